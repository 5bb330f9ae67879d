// Micro-benchmark (not a test): what Registry::Instance() and Lookup cost.
//   catalog_bench_lookup           time N lookups over all ports and transports
//   catalog_bench_lookup once PORT one Instance() + one Lookup, for `perf stat`
#include "catalog/registry.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using ghostport::catalog::kAllTransports;
using ghostport::catalog::Registry;

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "once") == 0) {
    const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    const auto start = std::chrono::steady_clock::now();
    const auto records = Registry::Instance().Lookup(port, ghostport::catalog::Transport::kTcp);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::printf("first Instance()+Lookup: %.0f ns (cold: includes page faults on the table)\n",
                std::chrono::duration<double, std::nano>(elapsed).count());
    std::printf("%zu record(s)%s%.*s\n", records.size(), records.empty() ? "" : ", first ",
                static_cast<int>(records.empty() ? 0 : records.front().Name().size()),
                records.empty() ? "" : records.front().Name().data());
    return 0;
  }
  constexpr int kRounds = 20;
  std::size_t found = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    for (auto t : kAllTransports) {
      for (std::uint32_t port = 0; port <= 65535; ++port) {
        found += Registry::Instance().Lookup(static_cast<std::uint16_t>(port), t).size();
      }
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double lookups = kRounds * 4.0 * 65536.0;
  std::printf("%.0f Instance()+Lookup calls, %.1f ns each (%zu records seen)\n", lookups,
              std::chrono::duration<double, std::nano>(elapsed).count() / lookups, found);
  return 0;
}
