// Reports written with -o FILE: atomically (into a temporary file beside
// FILE, renamed over it once complete), and never left stale: after an
// error, a report an earlier run left at FILE is removed, so a CI step
// that uploads FILE never uploads old results as new.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace ghostport::audit {

// False (with `FILE: error: ...` on `err`) when FILE cannot be written;
// FILE is then removed as after any error.
bool WriteReportFile(const std::string& path, const std::function<void(std::ostream&)>& write, std::ostream& err);

// After an error: removes what an earlier run left at `path` ("" and "-" are
// standard output: nothing to remove).
void RemoveStaleReport(const std::string& path);

}  // namespace ghostport::audit
