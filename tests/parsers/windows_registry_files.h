// Registry carriers the tests build themselves, so no binary fixture is
// committed: a .wfw hive (an empty hive this helper writes in the regf
// format, then filled through hivex's own writer) and a registry.pol
// ([MS-GPREG] 2.2.1, written here byte by byte). The values usually come
// from a .reg file, read by the product's own .reg reader.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ghostport::parsers::windows::testing {

struct TestValue {
  std::string key;  // backslash-separated, relative to the carrier's root
  std::string name;
  std::optional<std::string> text;     // REG_SZ, UTF-8
  std::optional<std::uint32_t> dword;  // REG_DWORD
};

// The values of a .reg file (decoded text), keys as the file writes them.
std::vector<TestValue> RegValues(std::string_view reg_text);

// `key` from the component after `component` on ("...\FirewallPolicy\X\Y",
// "FirewallPolicy" -> "X\Y"; the component itself -> "").
std::string KeyAfter(std::string_view key, std::string_view component);

// `.reg` values of the local store (...\FirewallPolicy\...) as a .wfw holds
// them: the FirewallPolicy key is the hive's root.
std::vector<TestValue> AsHive(std::vector<TestValue> values);
// The same in the Group Policy store, as a GPO writes them
// (Software\Policies\Microsoft\WindowsFirewall\...; the private profile's
// key, the local store's StandardProfile, is PrivateProfile there).
std::vector<TestValue> AsGroupPolicy(std::vector<TestValue> values);

// An empty hive: the 4 KiB base block (sequence numbers equal, version 1.3,
// checksum) and one 4 KiB bin with the root key, its security cell and a
// free cell. Just enough for hivex to open it for writing.
std::string EmptyHive();

// A hive with `values` (keys created as needed, values in the order given),
// written by hivex into a temporary file and returned as bytes.
std::string BuildHive(const std::vector<TestValue>& values);

// A registry.pol with one record per value, in order; `extra` records
// (already encoded) appended.
std::string BuildRegistryPol(const std::vector<TestValue>& values, const std::string& extra = "");
// One encoded registry.pol record.
std::string PolRecord(std::string_view key, std::string_view name, std::uint32_t type, std::string_view data);

std::string Utf16Le(std::string_view utf8);

// A file's bytes.
std::string ReadBytes(const std::filesystem::path& p);

}  // namespace ghostport::parsers::windows::testing
