#include "tests/parsers/windows_registry_files.h"

#include <hivex.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "parsers/windows/registry_reg.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows::testing {

namespace {

void Put16(std::string& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<char>(v & 0xff);
  b[at + 1] = static_cast<char>(v >> 8);
}

void Put32(std::string& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string Le32(std::uint32_t v) {
  std::string b(4, '\0');
  Put32(b, 0, v);
  return b;
}

std::uint32_t Get32(const std::string& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

std::filesystem::path TempFile(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("ghostport-test-" + std::to_string(::getpid()) + "-" + name);
}

}  // namespace

std::string ReadBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Utf16Le(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    std::uint32_t u = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
    for (std::size_t k = 1; k < n; ++k) u = (u << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    i += n;
    auto unit = [&out](std::uint32_t v) {
      out += static_cast<char>(v & 0xff);
      out += static_cast<char>(v >> 8);
    };
    if (u >= 0x10000) {
      unit(0xd800 + ((u - 0x10000) >> 10));
      unit(0xdc00 + ((u - 0x10000) & 0x3ff));
    } else {
      unit(u);
    }
  }
  return out;
}

std::vector<TestValue> RegValues(std::string_view reg_text) {
  std::vector<TestValue> out;
  std::vector<rules::IgnoredLine> ignored;
  std::vector<Diagnostic> diagnostics;
  auto add = [&out](std::string_view key, const RegistryValue& v) {
    out.push_back({std::string(key), v.name, v.text, v.dword});
  };
  BOOST_TEST_REQUIRE(ReadRegValues(reg_text, "t.reg", add, ignored, diagnostics));
  return out;
}

std::string KeyAfter(std::string_view key, std::string_view component) {
  std::string out;
  bool after = false;
  for (std::string_view part : SplitList(key, '\\')) {
    if (after) out += (out.empty() ? "" : "\\") + std::string(part);
    if (SameWord(part, component)) after = true;
  }
  return out;
}

std::vector<TestValue> AsHive(std::vector<TestValue> values) {
  for (TestValue& v : values) v.key = KeyAfter(v.key, "FirewallPolicy");
  return values;
}

std::vector<TestValue> AsGroupPolicy(std::vector<TestValue> values) {
  for (TestValue& v : values) {
    std::string rest = KeyAfter(v.key, "FirewallPolicy");
    if (rest.starts_with("StandardProfile")) rest = "PrivateProfile" + rest.substr(15);
    v.key = "Software\\Policies\\Microsoft\\WindowsFirewall" + (rest.empty() ? "" : "\\" + rest);
  }
  return values;
}

std::string EmptyHive() {
  std::string b(0x2000, '\0');
  // Base block.
  b.replace(0, 4, "regf");
  Put32(b, 0x04, 1);       // primary sequence number
  Put32(b, 0x08, 1);       // secondary, equal: written cleanly
  Put32(b, 0x14, 1);       // major version
  Put32(b, 0x18, 3);       // minor version
  Put32(b, 0x20, 1);       // file format: direct memory load
  Put32(b, 0x24, 0x20);    // root cell, relative to the first bin
  Put32(b, 0x28, 0x1000);  // size of the hive bins
  Put32(b, 0x2c, 1);       // clustering factor
  std::uint32_t sum = 0;
  for (std::size_t at = 0; at < 0x1fc; at += 4) sum ^= Get32(b, at);
  Put32(b, 0x1fc, sum);
  // The bin.
  constexpr std::size_t kBin = 0x1000;
  b.replace(kBin, 4, "hbin");
  Put32(b, kBin + 4, 0);       // its offset from the first bin
  Put32(b, kBin + 8, 0x1000);  // its size
  // The root key (nk): 0x50 bytes of fields and the name "ROOT".
  constexpr std::size_t kNk = kBin + 0x20, kNkSize = 0x58;
  constexpr std::size_t kSk = kNk + kNkSize, kSkSize = 0x30;
  Put32(b, kNk, static_cast<std::uint32_t>(-static_cast<std::int32_t>(kNkSize)));  // allocated
  b.replace(kNk + 4, 2, "nk");
  Put16(b, kNk + 6, 0x2c);            // hive entry, not deletable, ASCII name
  Put32(b, kNk + 0x20, 0xffffffff);   // no subkey list
  Put32(b, kNk + 0x24, 0xffffffff);   // no volatile subkey list
  Put32(b, kNk + 0x2c, 0xffffffff);   // no value list
  Put32(b, kNk + 0x30, static_cast<std::uint32_t>(kSk - kBin));  // security cell
  Put32(b, kNk + 0x34, 0xffffffff);   // no class name
  Put16(b, kNk + 0x4c, 4);            // name length
  b.replace(kNk + 0x50, 4, "ROOT");
  // The security cell (sk), a list of one: a self-relative descriptor
  // without owner, group or ACLs (hivex only needs the cell to exist).
  Put32(b, kSk, static_cast<std::uint32_t>(-static_cast<std::int32_t>(kSkSize)));
  b.replace(kSk + 4, 2, "sk");
  Put32(b, kSk + 0x08, static_cast<std::uint32_t>(kSk - kBin));  // next
  Put32(b, kSk + 0x0c, static_cast<std::uint32_t>(kSk - kBin));  // previous
  Put32(b, kSk + 0x10, 1);                                       // reference count
  Put32(b, kSk + 0x14, 20);                                      // descriptor size
  b[kSk + 0x18] = 1;                                             // revision
  Put16(b, kSk + 0x1a, 0x8000);                                  // self-relative
  // The rest of the bin is one free cell.
  Put32(b, kSk + kSkSize, static_cast<std::uint32_t>(0x2000 - (kSk + kSkSize)));
  return b;
}

std::string BuildHive(const std::vector<TestValue>& values) {
  // Values per key, keys in first-seen order.
  std::vector<std::string> keys;
  std::map<std::string, std::vector<const TestValue*>> by_key;
  for (const TestValue& v : values) {
    if (!by_key.count(v.key)) keys.push_back(v.key);
    by_key[v.key].push_back(&v);
  }
  const std::filesystem::path empty = TempFile("empty.hive"), built = TempFile("built.wfw");
  {
    std::ofstream out(empty, std::ios::binary);
    out << EmptyHive();
  }
  hive_h* h = hivex_open(empty.c_str(), HIVEX_OPEN_WRITE);
  BOOST_TEST_REQUIRE(h != nullptr, "hivex cannot open the empty hive: " << std::strerror(errno));
  for (const std::string& key : keys) {
    hive_node_h node = hivex_root(h);
    for (std::string_view part : SplitList(key, '\\')) {
      const std::string name(part);
      hive_node_h child = hivex_node_get_child(h, node, name.c_str());
      if (child == 0) child = hivex_node_add_child(h, node, name.c_str());
      BOOST_TEST_REQUIRE(child != 0, "hivex cannot add " << key << ": " << std::strerror(errno));
      node = child;
    }
    std::vector<std::string> names, data;
    std::vector<hive_set_value> set;
    for (const TestValue* v : by_key[key]) {
      names.push_back(v->name);
      data.push_back(v->text ? Utf16Le(*v->text) + std::string(2, '\0') : Le32(v->dword.value_or(0)));
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      const TestValue* v = by_key[key][i];
      set.push_back({names[i].data(), v->text ? hive_t_REG_SZ : hive_t_REG_DWORD, data[i].size(), data[i].data()});
    }
    BOOST_TEST_REQUIRE(hivex_node_set_values(h, node, set.size(), set.data(), 0) == 0,
                       "hivex cannot set " << key << "'s values: " << std::strerror(errno));
  }
  BOOST_TEST_REQUIRE(hivex_commit(h, built.c_str(), 0) == 0, "hivex cannot write the hive: " << std::strerror(errno));
  hivex_close(h);
  std::string bytes = ReadBytes(built);
  std::filesystem::remove(empty);
  std::filesystem::remove(built);
  return bytes;
}

std::string PolRecord(std::string_view key, std::string_view name, std::uint32_t type, std::string_view data) {
  const std::string nul(2, '\0'), semicolon = Utf16Le(";");
  return Utf16Le("[") + Utf16Le(key) + nul + semicolon + Utf16Le(name) + nul + semicolon + Le32(type) + semicolon +
         Le32(static_cast<std::uint32_t>(data.size())) + semicolon + std::string(data) + Utf16Le("]");
}

std::string BuildRegistryPol(const std::vector<TestValue>& values, const std::string& extra) {
  std::string out = "PReg" + Le32(1);
  for (const TestValue& v : values) {
    out += v.text ? PolRecord(v.key, v.name, 1, Utf16Le(*v.text) + std::string(2, '\0'))
                  : PolRecord(v.key, v.name, 4, Le32(v.dword.value_or(0)));
  }
  return out + extra;
}

}  // namespace ghostport::parsers::windows::testing
