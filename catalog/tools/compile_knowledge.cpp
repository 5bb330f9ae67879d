// Build-time tool: compiles curated knowledge TOML into constant C++ tables.
//   catalog_compile_knowledge INPUT.toml OUTPUT.cpp
// Loads INPUT with the same loader the program's `catalog lint` uses; any
// diagnostic fails the build (file:line:col on stderr). Writes OUTPUT only
// when its content changes, so an unchanged TOML rebuilds nothing.
#include "catalog/knowledge.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

using ghostport::catalog::DeadEntry;
using ghostport::catalog::Transport;

// A C++ string literal with the same bytes as `text`.
std::string Literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\%03o", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ReadFile(const char* path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: catalog_compile_knowledge INPUT.toml OUTPUT.cpp\n";
    return 2;
  }
  bool ok = false;
  const std::string text = ReadFile(argv[1], ok);
  if (!ok) {
    std::cerr << argv[1] << ": error: cannot read\n";
    return 2;
  }
  auto result = ghostport::catalog::LoadKnowledge(text, argv[1]);
  for (const auto& d : result.diagnostics) std::cerr << d.Render() << "\n";
  if (!result.ok()) return 1;

  std::vector<DeadEntry> dead = std::move(result.knowledge.dead);
  std::stable_sort(dead.begin(), dead.end(),
                   [](const DeadEntry& a, const DeadEntry& b) { return a.port < b.port; });

  std::ostringstream out;
  out << "// Generated at build time from " << argv[1]
      << "\n// by catalog/tools/compile_knowledge.cpp. Do not edit: edit the TOML.\n"
         "#include \"catalog/knowledge.h\"\n\nnamespace ghostport::catalog {\nnamespace {\n\n"
         "[[maybe_unused]] constexpr DeadSource kSources[] = {\n";
  std::size_t source_count = 0;
  for (const DeadEntry& entry : dead) {
    for (const auto& source : entry.sources) {
      out << "    {" << Literal(source.title) << ", " << Literal(source.url) << ", " << Literal(source.seen)
          << "},\n";
      ++source_count;
    }
  }
  if (source_count == 0) out << "    {\"\", \"\", \"\"},\n";
  out << "};\n\n";
  if (dead.empty()) {
    out << "}  // namespace\n\nstd::span<const DeadRecord> BuiltInDead() { return {}; }\n\n"
           "}  // namespace ghostport::catalog\n";
  } else {
  out << "constexpr DeadRecord kDead[] = {\n";
  std::size_t first = 0;
  for (const DeadEntry& entry : dead) {
    unsigned mask = 0;
    for (Transport t : entry.transports) mask |= 1U << static_cast<unsigned>(t);
    out << "    {" << entry.port << ", " << mask << ", " << entry.line << ", " << Literal(entry.service) << ",\n"
        << "     " << Literal(entry.what) << ",\n     " << Literal(entry.evidence) << ",\n     "
        << Literal(entry.since) << ", " << Literal(entry.confidence) << ", std::span<const DeadSource>(kSources + "
        << first << ", " << entry.sources.size() << ")},\n";
    first += entry.sources.size();
  }
  out << "};\n\n}  // namespace\n\nstd::span<const DeadRecord> BuiltInDead() { return std::span<const DeadRecord>(kDead, "
      << dead.size() << "); }\n\n}  // namespace ghostport::catalog\n";
  }

  const std::string generated = out.str();
  bool had = false;
  if (ReadFile(argv[2], had) == generated && had) return 0;
  std::ofstream file(argv[2], std::ios::binary | std::ios::trunc);
  file << generated;
  if (!file) {
    std::cerr << argv[2] << ": error: cannot write\n";
    return 2;
  }
  return 0;
}
