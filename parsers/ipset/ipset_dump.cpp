#include "parsers/ipset/ipset_dump.h"

namespace ghostport::parsers {

const Ipset* IpsetDump::Find(std::string_view name) const {
  for (const Ipset& s : sets) {
    if (s.set.name == name) return &s;
  }
  return nullptr;
}

std::vector<rules::SetField> IpsetMatchFields(const Ipset& set, const std::vector<bool>& src) {
  using rules::SetField;
  std::vector<SetField> fields;
  for (std::size_t i = 0; i < set.dimensions.size() && i < src.size(); ++i) {
    const bool s = src[i];
    switch (set.dimensions[i]) {
      case IpsetDimension::kAddress: fields.push_back(s ? SetField::kSaddr : SetField::kDaddr); break;
      case IpsetDimension::kPort:
        fields.push_back(SetField::kProtocol);
        fields.push_back(s ? SetField::kSport : SetField::kDport);
        break;
      case IpsetDimension::kBarePort: fields.push_back(s ? SetField::kSport : SetField::kDport); break;
      case IpsetDimension::kInterface: fields.push_back(s ? SetField::kIif : SetField::kOif); break;
      case IpsetDimension::kMac:
      case IpsetDimension::kMark:
      case IpsetDimension::kSet: break;
    }
  }
  return fields;
}

}  // namespace ghostport::parsers
