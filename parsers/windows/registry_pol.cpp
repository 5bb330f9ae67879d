#include "parsers/windows/registry_pol.h"

#include <cstdint>
#include <cstdio>
#include <optional>

#include "parsers/windows/windows_registry.h"
#include "parsers/windows/windows_text.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

constexpr std::string_view kMagic = "PReg";
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kRegSz = 1, kRegExpandSz = 2, kRegDword = 4, kRegDwordBigEndian = 5;

// The special value names of [MS-GPREG] 2.2.1.1-2.2.1.2: instructions to
// the client, not values.
struct Instruction {
  std::string_view prefix;  // compared without case
  const char* reason;
};
constexpr Instruction kInstructions[] = {
    {"**del.", "deletes the value when the policy is applied; the values this file sets are read as the policy"},
    {"**delvals.", "deletes the key's values when the policy is applied; the values this file sets are read as the policy"},
    {"**deletevalues", "deletes the values it names when the policy is applied"},
    {"**deletekeys", "deletes the subkeys it names when the policy is applied"},
    {"**securekey", "sets the key's access rights, which decide nothing about traffic"},
    {"**soft.", "sets the value only on clients that have none: whether it applies depends on the client"},
    {"**", "a Group Policy instruction this reader does not know; it is not a value"},
};

const Instruction* InstructionOf(std::string_view name) {
  for (const Instruction& i : kInstructions) {
    if (name.size() >= i.prefix.size() && SameWord(name.substr(0, i.prefix.size()), i.prefix)) return &i;
  }
  return nullptr;
}

std::string Hex(std::size_t n) {
  char out[24];
  std::snprintf(out, sizeof out, "0x%zx", n);
  return out;
}

// One record's fields, read in order; `error` set at the first that fails.
class RecordReader {
 public:
  RecordReader(std::string_view bytes, std::size_t at) : b_(bytes), at_(at) {}

  bool Char(char c) {
    if (!Have(2)) return false;
    if (b_[at_] != c || b_[at_ + 1] != '\0') return Fail(std::string("'") + c + "' expected");
    at_ += 2;
    return true;
  }
  // A NUL-terminated UTF-16LE string, as UTF-8.
  std::optional<std::string> String() {
    const std::size_t start = at_;
    while (Have(2)) {
      if (b_[at_] == '\0' && b_[at_ + 1] == '\0') {
        std::optional<std::string> s = Utf16LeToUtf8(b_.substr(start, at_ - start));
        at_ += 2;
        if (!s) Fail("not valid UTF-16");
        return s;
      }
      at_ += 2;
    }
    return std::nullopt;
  }
  std::optional<std::uint32_t> Dword() {
    if (!Have(4)) return std::nullopt;
    at_ += 4;
    return Le32At(b_, at_ - 4);
  }
  std::optional<std::string_view> Bytes(std::uint32_t n) {
    if (!Have(n)) return std::nullopt;
    at_ += n;
    return b_.substr(at_ - n, n);
  }
  std::size_t at() const { return at_; }
  const std::string& error() const { return error_; }

 private:
  bool Have(std::size_t n) {
    if (b_.size() - at_ >= n) return true;
    if (error_.empty()) {
      error_ = "truncated record: the file ends at byte " + Hex(b_.size()) + " inside it";
    }
    return false;
  }
  bool Fail(std::string what) {
    if (error_.empty()) error_ = "malformed record: " + what + " at byte " + Hex(at_);
    return false;
  }

  std::string_view b_;
  std::size_t at_;
  std::string error_;
};

struct Record {
  std::string key, name;
  std::uint32_t type = 0;
  std::string_view data;
};

std::optional<Record> ReadRecord(RecordReader& r) {
  Record rec;
  std::optional<std::string> key, name;
  std::optional<std::uint32_t> type, size;
  std::optional<std::string_view> data;
  if (!r.Char('[') || !(key = r.String()) || !r.Char(';') || !(name = r.String()) || !r.Char(';') ||
      !(type = r.Dword()) || !r.Char(';') || !(size = r.Dword()) || !r.Char(';') || !(data = r.Bytes(*size)) ||
      !r.Char(']')) {
    return std::nullopt;
  }
  rec.key = std::move(*key);
  rec.name = std::move(*name);
  rec.type = *type;
  rec.data = *data;
  return rec;
}

// The record's data as a registry value's; nullopt for a string that is
// not UTF-16.
std::optional<CarrierData> DataOf(const Record& rec) {
  CarrierData d;
  if (rec.type == kRegSz || rec.type == kRegExpandSz) {
    d.text = RegistryString(rec.data);
    if (!d.text) return std::nullopt;
  } else if ((rec.type == kRegDword || rec.type == kRegDwordBigEndian) && rec.data.size() == 4) {
    const std::uint32_t le = Le32At(rec.data, 0);
    d.dword = rec.type == kRegDword ? le
                                    : (le >> 24) | ((le >> 8) & 0xff00) | ((le << 8) & 0xff0000) | (le << 24);
  } else {
    d.other = "(registry type " + std::to_string(rec.type) + ", " + std::to_string(rec.data.size()) + " bytes)";
  }
  return d;
}

void Refuse(const std::string& file, int record, std::string message, std::string source,
            std::vector<Diagnostic>& diagnostics) {
  Diagnostic d;
  d.location = {file, record, 1};
  d.message = std::move(message);
  d.source_line = std::move(source);
  diagnostics.push_back(std::move(d));
}

}  // namespace

void ReadRegistryPol(std::string_view bytes, const std::string& file, WindowsPolicy& policy,
                     std::vector<Diagnostic>& diagnostics) {
  if (bytes.size() < 8 || bytes.substr(0, 4) != kMagic) {
    return Refuse(file, 1, "not a registry.pol file: one starts with \"PReg\" and version 1", HexLine(bytes, 0),
                  diagnostics);
  }
  if (Le32At(bytes, 4) != kVersion) {
    return Refuse(file, 1, "registry.pol version " + std::to_string(Le32At(bytes, 4)) + ": this reader knows version 1",
                  HexLine(bytes, 0), diagnostics);
  }
  RegistryPolicy registry(policy, diagnostics);
  int ordinal = 0;
  for (std::size_t at = 8; at < bytes.size();) {
    ++ordinal;
    RecordReader reader(bytes, at);
    std::optional<Record> rec = ReadRecord(reader);
    if (!rec) {
      return Refuse(file, ordinal,
                    reader.error() + " (record " + std::to_string(ordinal) + ", from byte " + Hex(at) +
                        "); nothing was read",
                    HexLine(bytes, at), diagnostics);
    }
    at = reader.at();
    std::optional<CarrierData> data = DataOf(*rec);
    if (!data) {
      return Refuse(file, ordinal,
                    "the string value \"" + rec->name + "\" is not valid UTF-16 (record " + std::to_string(ordinal) +
                        "); nothing was read",
                    rec->key + "\\" + rec->name, diagnostics);
    }
    const std::string key = rec->key;
    RegistryValue v = NumberedValue(file, ordinal, key, std::move(rec->name), std::move(*data));
    if (const Instruction* i = InstructionOf(v.name)) {
      policy.ignored.push_back(rules::IgnoredLine{v.location, v.source_line, i->reason});
    } else if (v.name.empty() && rec->data.empty()) {
      policy.ignored.push_back(rules::IgnoredLine{v.location, v.source_line, "creates the key; it sets no value"});
    } else {
      registry.Add(key, v);
    }
  }
  registry.Finish();
}

}  // namespace ghostport::parsers::windows
