#include "catalog/block_contact.h"

#include "catalog/fold.h"

#include <cctype>
#include <string>

namespace ghostport::catalog {

namespace {

// "d2k-tapestry1" -> "d2ktapestry": lower-case letters and digits, trailing digits dropped.
std::string Stem(std::string_view name) {
  std::string out = Folded(name);
  while (!out.empty() && std::isdigit(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

bool NamesPeople(const RegistryRecord& r) { return !r.Assignees().empty() || !r.Contacts().empty(); }

}  // namespace

const RegistryRecord* BlockContactOf(const RegistryRecord& r, Transport t) {
  if (r.Kind() != RecordKind::kService || NamesPeople(r) || !r.HasPort()) return nullptr;
  const std::string stem = Stem(r.Name());
  if (stem.size() < 4) return nullptr;
  for (std::uint32_t port = r.PortHigh() + 1U; port <= 65535U && port <= r.PortHigh() + static_cast<std::uint32_t>(kBlockReach); ++port) {
    const RegistryRecord* next = nullptr;
    for (const RegistryRecord& candidate : Registry::Instance().Lookup(static_cast<std::uint16_t>(port), t)) {
      if (candidate.Kind() == RecordKind::kService) {
        next = &candidate;
        break;
      }
    }
    if (next == nullptr || Stem(next->Name()) != stem) return nullptr;
    if (NamesPeople(*next)) return next;
  }
  return nullptr;
}

}  // namespace ghostport::catalog
