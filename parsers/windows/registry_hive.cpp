#include "parsers/windows/registry_hive.h"

#include <hivex.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "parsers/windows/windows_registry.h"
#include "parsers/windows/windows_text.h"

namespace ghostport::parsers::windows {

namespace {

// The regf base block (format document §7): the signature, and at 0x28 the
// size of the hive bins that follow the 4 KiB header.
constexpr std::size_t kHeaderSize = 0x1000;
constexpr std::size_t kBinsSizeAt = 0x28;

// The bytes as an anonymous memory file, for hivex, which opens a path.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view bytes) : fd_(memfd_create("ghostport-wfw", MFD_CLOEXEC)) {
    for (std::size_t done = 0; fd_ >= 0 && done < bytes.size();) {
      ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = errno;
        close(fd_);
        fd_ = -1;
        return;
      }
      done += static_cast<std::size_t>(n);
    }
    if (fd_ < 0 && error_ == 0) error_ = errno;
  }
  ~MemoryFile() {
    if (fd_ >= 0) close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  int error() const { return error_; }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
  int error_ = 0;
};

struct HiveCloser {
  void operator()(hive_h* h) const { hivex_close(h); }
};
using Hive = std::unique_ptr<hive_h, HiveCloser>;

// A string hivex allocated, as std::string (empty for null).
std::string Take(char* s) {
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

std::string ErrnoText() { return std::strerror(errno); }

// The walk over the hive: every value to the registry, in order.
class HiveWalk {
 public:
  HiveWalk(hive_h* h, const std::string& file, RegistryPolicy& registry, std::vector<Diagnostic>& diagnostics)
      : h_(h), file_(file), registry_(registry), diagnostics_(diagnostics) {}

  // False when the hive is refused (the error is added).
  bool Key(hive_node_h node, const std::string& path, int depth) {
    if (depth > kHiveMaxDepth) return Refuse(path, "keys nested deeper than " + std::to_string(kHiveMaxDepth));
    if (++keys_ > kHiveMaxKeys) return Refuse(path, "more than " + std::to_string(kHiveMaxKeys) + " keys");
    const std::size_t nr_values = hivex_node_nr_values(h_, node);
    if (nr_values > kHiveMaxValues - ordinal_) {
      return Refuse(path, "more than " + std::to_string(kHiveMaxValues) + " values");
    }
    std::unique_ptr<hive_value_h, decltype(&std::free)> values(hivex_node_values(h_, node), &std::free);
    if (!values) return Refuse(path, "its values cannot be read: " + ErrnoText());
    for (std::size_t i = 0; values.get()[i] != 0; ++i) {
      if (!Value(values.get()[i], path)) return false;
    }
    std::unique_ptr<hive_node_h, decltype(&std::free)> children(hivex_node_children(h_, node), &std::free);
    if (!children) return Refuse(path, "its subkeys cannot be read: " + ErrnoText());
    for (std::size_t i = 0; children.get()[i] != 0; ++i) {
      errno = 0;
      std::string name = Take(hivex_node_name(h_, children.get()[i]));
      if (name.empty()) return Refuse(path, "a subkey's name cannot be read: " + ErrnoText());
      if (!Key(children.get()[i], path.empty() ? name : path + "\\" + name, depth + 1)) return false;
    }
    return true;
  }

 private:
  bool Value(hive_value_h v, const std::string& path) {
    hive_type type{};
    std::size_t len = 0;
    if (hivex_value_type(h_, v, &type, &len) == -1) return Refuse(path, "a value cannot be read: " + ErrnoText());
    if (len > kHiveMaxValueBytes) {
      return Refuse(path, "a value of " + std::to_string(len) + " bytes (this reader accepts up to " +
                              std::to_string(kHiveMaxValueBytes) + ")");
    }
    errno = 0;
    char* raw_name = hivex_value_key(h_, v);
    if (raw_name == nullptr) return Refuse(path, "a value's name cannot be read: " + ErrnoText());
    std::string name = Take(raw_name);
    CarrierData data;
    if (type == hive_t_REG_SZ || type == hive_t_REG_EXPAND_SZ) {
      char* text = hivex_value_string(h_, v);
      if (text == nullptr) return Refuse(path, "the string value \"" + name + "\" cannot be read: " + ErrnoText());
      data.text = Take(text);
    } else if (type == hive_t_REG_DWORD || type == hive_t_REG_DWORD_BIG_ENDIAN) {
      errno = 0;
      const std::int32_t d = hivex_value_dword(h_, v);
      if (d == -1 && errno != 0) {
        return Refuse(path, "the DWORD value \"" + name + "\" cannot be read: " + ErrnoText());
      }
      data.dword = static_cast<std::uint32_t>(d);
    } else {
      data.other = "(registry type " + std::to_string(static_cast<int>(type)) + ", " + std::to_string(len) + " bytes)";
    }
    ++ordinal_;
    registry_.Add(path, NumberedValue(file_, static_cast<int>(ordinal_), path.empty() ? "" : "\\" + path, std::move(name),
                                      std::move(data)));
    return true;
  }

  // Located where the next value would be, the key as the source line.
  bool Refuse(const std::string& path, const std::string& why) {
    Diagnostic d;
    d.location = {file_, static_cast<int>(ordinal_) + 1, 1};
    d.message = "corrupt or oversized hive at key \\" + path + ": " + why + "; nothing was read";
    d.source_line = "\\" + path;
    diagnostics_.push_back(std::move(d));
    return false;
  }

  hive_h* h_;
  const std::string& file_;
  RegistryPolicy& registry_;
  std::vector<Diagnostic>& diagnostics_;
  std::size_t ordinal_ = 0;
  std::size_t keys_ = 0;
};

// An error about the whole file, shown with its first bytes.
void AtStart(const std::string& file, std::string_view bytes, std::string message,
             std::vector<Diagnostic>& diagnostics) {
  Diagnostic d;
  d.location = {file, 1, 1};
  d.message = std::move(message);
  d.source_line = HexLine(bytes, 0);
  diagnostics.push_back(std::move(d));
}

}  // namespace

void ReadWfwHive(std::string_view bytes, const std::string& file, WindowsPolicy& policy,
                 std::vector<Diagnostic>& diagnostics) {
  if (bytes.substr(0, 4) != "regf") {
    return AtStart(file, bytes, "not a registry hive: a .wfw file (netsh advfirewall export) starts with \"regf\"", diagnostics);
  }
  // hivex reads what the file holds; a hive cut at a bin boundary would
  // read as a smaller policy, so the header's size is checked first.
  const std::size_t announced =
      bytes.size() >= kBinsSizeAt + 4 ? kHeaderSize + Le32At(bytes, kBinsSizeAt) : 2 * kHeaderSize;
  if (bytes.size() < announced || bytes.size() < 2 * kHeaderSize) {
    return AtStart(file, bytes, "truncated registry hive: the file has " + std::to_string(bytes.size()) +
                             " bytes, its header announces " + std::to_string(announced) +
                             " (a hive is at least a 4 KiB header and one 4 KiB bin); nothing was read",
                   diagnostics);
  }
  MemoryFile memory(bytes);
  if (!memory.ok()) {
    return AtStart(file, bytes, std::string("cannot hand the hive to hivex (memfd_create): ") + std::strerror(memory.error()),
                   diagnostics);
  }
  // Read-only, without HIVEX_OPEN_UNSAFE: hivex checks the header's
  // checksum, every hive bin and every cell before anything is read.
  errno = 0;
  Hive hive(hivex_open(memory.path().c_str(), 0));
  if (!hive) {
    return AtStart(file, bytes, "not a readable registry hive (" + ErrnoText() + "); nothing was read", diagnostics);
  }
  const hive_node_h root = hivex_root(hive.get());
  if (root == 0) return AtStart(file, bytes, "the hive has no root key (" + ErrnoText() + "); nothing was read", diagnostics);
  RegistryPolicy registry(policy, diagnostics);
  if (!HiveWalk(hive.get(), file, registry, diagnostics).Key(root, "", 0)) return;
  registry.Finish();
}

}  // namespace ghostport::parsers::windows
