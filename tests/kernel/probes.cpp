#include "tests/kernel/probes.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <sstream>

#include "tests/kernel/lab.h"
#include "tests/kernel/nft_ports.h"

namespace ghostport::kernel_test {

namespace {

// Ports probed for every ruleset, plus the ports each ruleset names.
const std::vector<int> kPortPool = {22, 80, 443, 3306, 3393, 8080, 9000, 9001, 9002,
                                    9003, 9004, 9005, 9006, 9007, 9008, 9009, 9010};
const std::vector<int> kExtraPorts = {25, 53, 5060};
// A translation range wider than this is listened on at its ends and middle.
constexpr long kMaxListenedRange = 64;

std::atomic<int> g_probe_counter{0};

bool IsMatchPortOption(const std::string& word) {
  static const std::set<std::string> options = {
      "--dport", "--dports", "--destination-port", "--destination-ports",
      "--sport", "--sports", "--source-port",      "--source-ports"};
  return options.count(word) != 0;
}

// --to-destination, --to-ports, and their abbreviations (--to, --to-port);
// not --to-source (SNAT changes no listening port).
bool IsTranslationOption(const std::string& word) {
  return word.rfind("--to", 0) == 0 && word.rfind("--to-s", 0) != 0;
}

// --dport/--dports/--sport/--sports lists (with ranges LOW:HIGH, either
// end left out) and the ports of --to-destination/--to-ports/--to.
void FindIptablesPorts(const std::string& ruleset_text, NamedPorts& named) {
  auto number = [](const std::string& text, long fallback) {
    return text.empty() ? fallback : std::stol(text);
  };
  std::istringstream words(ruleset_text);
  std::string previous;
  for (std::string word; words >> word; previous = word) {
    try {
      if (IsMatchPortOption(previous)) {
        std::istringstream items(word);
        for (std::string item; std::getline(items, item, ',');) {
          const std::size_t colon = item.find(':');
          if (colon == std::string::npos) {
            named.Match(std::stol(item));
            continue;
          }
          named.MatchRange(number(item.substr(0, colon), 0),
                           number(item.substr(colon + 1), 65535));
        }
      } else if (IsTranslationOption(previous)) {
        if (const auto range = PortRange(TranslationPorts(word))) {
          named.Target(range->first, range->second);
        }
      }
    } catch (const std::exception&) {
      // not a number: iptables-restore will complain about it
    }
  }
}

}  // namespace

const std::vector<int>& PortPool() { return kPortPool; }
const std::vector<int>& ExtraPorts() { return kExtraPorts; }

std::string Describe(const Probe& probe) {
  const bool v6 = probe.destination.find(':') != std::string::npos;
  const std::string destination = v6 ? "[" + probe.destination + "]" : probe.destination;
  return probe.proto + " " + probe.source + " -> " + destination + ":" +
         std::to_string(probe.port) + " iif " + probe.iif;
}

std::string NextProbeId() { return "k" + std::to_string(++g_probe_counter); }

std::vector<Probe> MakeProbes(const std::vector<int>& ports, bool ipv6) {
  std::vector<std::string> sources;
  if (ipv6) {
    for (const ClientAddress& a : kClientV6) sources.push_back(a.address);
  } else {
    for (const ClientAddress& a : kClientV4) sources.push_back(a.address);
  }
  const std::string server = ipv6 ? kServerV6 : kServerV4;
  std::vector<Probe> probes;
  for (const char* proto : {"tcp", "udp"}) {
    for (const int port : ports) {
      for (const std::string& source : sources) {
        probes.push_back({NextProbeId(), proto, port, source, server, kServerVeth, false});
      }
      probes.push_back({NextProbeId(), proto, port, server, server, "lo", true});
    }
  }
  return probes;
}

void NamedPorts::Add(long port) {
  if (port >= 1 && port <= 65535) ports_.insert(static_cast<int>(port));
}

void NamedPorts::Match(long port) { Add(port); }

void NamedPorts::MatchRange(long low, long high) {
  for (const long port : {low - 1, low, (low + high) / 2, high, high + 1}) Add(port);
}

void NamedPorts::MatchBound(long port) {
  for (const long p : {port - 1, port, port + 1}) Add(p);
}

void NamedPorts::Target(long low, long high) {
  if (high - low <= kMaxListenedRange) {
    for (long port = low; port <= high; ++port) Add(port);
  } else {
    for (const long port : {low, (low + high) / 2, high}) Add(port);
  }
}

std::vector<int> NamedPorts::All() const { return {ports_.begin(), ports_.end()}; }

std::string TranslationPorts(const std::string& value) {
  if (!value.empty() && value[0] == '[') {
    const std::size_t close = value.find("]:");
    return close == std::string::npos ? "" : value.substr(close + 2);
  }
  const std::size_t colons = static_cast<std::size_t>(std::count(value.begin(), value.end(), ':'));
  if (colons == 1) return value.substr(value.find(':') + 1);
  if (colons > 1) return "";  // a bare IPv6 address
  return value.find('.') == std::string::npos ? value : "";  // a port, or a bare IPv4 address
}

std::optional<std::pair<long, long>> PortRange(const std::string& text) {
  const std::size_t dash = text.find('-');
  const std::string low = text.substr(0, dash);
  const std::string high = dash == std::string::npos ? low : text.substr(dash + 1);
  auto digits = [](const std::string& part) {
    return !part.empty() && part.size() <= 5 &&
           part.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!digits(low) || !digits(high)) return std::nullopt;
  return std::make_pair(std::stol(low), std::stol(high));
}

std::vector<int> PortsFor(const std::string& ruleset_text, RulesetKind kind) {
  NamedPorts named;
  for (const int port : kPortPool) named.Match(port);
  for (const int port : kExtraPorts) named.Match(port);
  using Scanner = void (*)(const std::string&, NamedPorts&);
  constexpr std::pair<RulesetKind, Scanner> kScanners[] = {
      {RulesetKind::kIptables, FindIptablesPorts}, {RulesetKind::kNftables, FindNftPorts}};
  for (const auto& [scanned, scanner] : kScanners) {
    if (scanned == kind) scanner(ruleset_text, named);
  }
  return named.All();
}

}  // namespace ghostport::kernel_test
