// Names compared the way sources spell them differently: lower-case letters
// and digits only ("etcd-client" and "etcd_client" -> "etcdclient").
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace ghostport::catalog {

inline std::string Folded(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace ghostport::catalog
