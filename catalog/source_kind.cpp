#include "catalog/source_kind.h"

#include <algorithm>

namespace ghostport::catalog {

bool IsSecondarySource(std::string_view url) {
  const std::size_t scheme = url.find("://");
  std::string_view host = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/?#:"));
  return std::any_of(std::begin(kSecondaryDomains), std::end(kSecondaryDomains), [&](std::string_view d) {
    return host == d || (host.size() > d.size() && host.substr(host.size() - d.size()) == d &&
                         host[host.size() - d.size() - 1] == '.');
  });
}

bool RestsOnSecondarySources(const DeadRecord& d) {
  return !d.sources.empty() &&
         std::all_of(d.sources.begin(), d.sources.end(), [](const DeadSource& s) { return IsSecondarySource(s.url); });
}

std::string_view EffectiveConfidence(const DeadRecord& d) {
  return RestsOnSecondarySources(d) ? std::string_view("low") : d.confidence;
}

}  // namespace ghostport::catalog
