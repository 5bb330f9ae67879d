// boost::container::small_vector, included once for the whole project:
// GCC 12 misreads its inline-buffer copies (-Wstringop-overread false
// positives, fixed in GCC 13), so only this include is exempted.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <boost/container/small_vector.hpp>
#pragma GCC diagnostic pop
