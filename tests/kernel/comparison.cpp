#include "tests/kernel/comparison.h"

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "tests/kernel/ghostport_answer.h"
#include "tests/kernel/judgement.h"
#include "tests/kernel/measurement.h"
#include "tests/kernel/probes.h"
#include "tests/kernel/ruleset_kind.h"

namespace ghostport::kernel_test {

namespace {

constexpr int kClientTimeoutMs = 1500;
constexpr int kReprobeTimeoutMs = 2500;
constexpr std::size_t kMaxReportedLines = 40;

std::string Numbered(const std::string& text) {
  std::ostringstream out;
  int n = 0;
  for (const std::string& line : SplitLines(text)) out << "  " << ++n << "\t" << line << "\n";
  return out.str();
}

std::string KernelText(const std::variant<Observation, std::string>& observed,
                       const KernelOutcome& outcome) {
  const std::string client = " [client " + (outcome.client.empty() ? "-" : outcome.client) + "]";
  if (const auto* error = std::get_if<std::string>(&observed)) {
    return "measurement failed: " + *error + client;
  }
  return Describe(std::get<Observation>(observed)) + client;
}

std::string GhostportText(const Answer& answer, const std::variant<Observation, std::string>& expected) {
  std::string text = Describe(answer);
  if (const auto* want = std::get_if<Observation>(&expected)) {
    text += ", i.e. " + Describe(*want);
  }
  return text + " (decided by " + DecidingRule(answer) + ")";
}

// True when the measurement should be repeated: it failed, or it disagrees.
bool Doubtful(const std::variant<Observation, std::string>& observed,
              const std::variant<Observation, std::string>& expected) {
  const auto* kernel = std::get_if<Observation>(&observed);
  const auto* want = std::get_if<Observation>(&expected);
  return kernel == nullptr || want == nullptr || !SameObservation(*kernel, *want);
}

// NAME.outcomes.tsv; NAME.ipv4.outcomes.tsv and NAME.ipv6.outcomes.tsv for
// a file probed over both families.
std::string OutcomesFile(const Ruleset& ruleset) {
  if (!ruleset.twin) return ruleset.name + ".outcomes.tsv";
  return ruleset.name + (ruleset.ipv6 ? ".ipv6" : ".ipv4") + ".outcomes.tsv";
}

// What the kernel did with each probe when ghostport gave no answers: the
// outcomes file without ghostport's columns filled in, and a summary ("the
// kernel measured 98 probes (56 delivered/input, 42 silent; NAME.outcomes.tsv)").
std::string KernelOnly(const std::vector<Probe>& probes,
                       const std::vector<KernelOutcome>& outcomes, const fs::path& table_file) {
  std::string table = "probe\tkernel\tclient\tghostport\tagrees\n";
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const auto observed = Observe(probes[i], outcomes[i]);
    const auto* kernel = std::get_if<Observation>(&observed);
    ++seen[kernel != nullptr ? ShortName(*kernel) : "unmeasured"];
    table += Describe(probes[i]) + "\t" +
             (kernel != nullptr ? Describe(*kernel) : std::get<std::string>(observed)) + "\t" +
             outcomes[i].client + "\t-\t-\n";
  }
  WriteFile(table_file, table);
  std::string summary = "the kernel measured " + std::to_string(probes.size()) + " probes (";
  const char* separator = "";
  for (const auto& [name, count] : seen) {
    summary += separator + std::to_string(count) + " " + name;
    separator = ", ";
  }
  return summary + "; " + table_file.filename().string() + ")";
}

}  // namespace

void GroupTally::Add(const GroupTally& other) {
  rulesets += other.rulesets;
  failed_rulesets += other.failed_rulesets;
  probes += other.probes;
  conditional += other.conditional;
  counted += other.counted;
  verdict_agree += other.verdict_agree;
  agree += other.agree;
  unstable += other.unstable;
  v1_answers += other.v1_answers;
  known += other.known;
  for (const auto& [kind, count] : other.kinds) kinds[kind] += count;
}

// Disagreements the engine is known to have, each listed with its reason in
// tests/kernel/known_disagreements.tsv (RULESET<TAB>PROBE<TAB>REASON): they
// are reported as KNOWN and do not fail the ruleset; a listed one that no
// longer happens fails it, so the list only shrinks. Every line is an open
// engine bug (issue 8), never an accepted answer.
const std::map<std::string, std::string>& KnownDisagreements() {
  static const std::map<std::string, std::string> known = [] {
    std::map<std::string, std::string> m;
    std::ifstream in(fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "known_disagreements.tsv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto a = line.find('\t');
      const auto b = a == std::string::npos ? a : line.find('\t', a + 1);
      if (b == std::string::npos) continue;
      m[line.substr(0, b)] = line.substr(b + 1);
    }
    return m;
  }();
  return known;
}

std::string CompareRuleset(const Lab& lab, const Ruleset& ruleset, const fs::path& scratch,
                           bool print_ruleset_on_failure, GroupTally& tally, std::ostream& out) {
  ++tally.rulesets;
  const std::string family = ruleset.ipv6 ? "ipv6" : "ipv4";
  auto fail = [&](const std::string& why) {
    ++tally.failed_rulesets;
    out << "ruleset " << ruleset.name << " (" << family << "): FAILED: " << why << "\n";
    if (print_ruleset_on_failure) out << Numbered(ruleset.text);
        return "ruleset " + ruleset.name + ": " + why;
  };

  const std::vector<int> ports = PortsFor(ruleset.text, KindOrIptables(ruleset.path));
  const std::vector<Probe> probes = MakeProbes(ports, ruleset.ipv6);
  const auto asked = AskGhostport(ruleset.path, probes, ruleset.ipv6, scratch);
  const auto* ghostport_error = std::get_if<std::string>(&asked);

  if (const std::string error = lab.Load(ruleset.path, ruleset.ipv6, scratch); !error.empty()) {
    return fail("the kernel refused the ruleset: " + error +
                (ghostport_error != nullptr ? "; and ghostport: " + *ghostport_error : ""));
  }
  Listeners listeners(lab, ports, scratch);
  std::vector<KernelOutcome> outcomes = Measure(lab, listeners, probes, kClientTimeoutMs, scratch);
  if (ghostport_error != nullptr) {
    listeners.server.Stop();
    listeners.backend.Stop();
    return fail(KernelOnly(probes, outcomes, scratch / OutcomesFile(ruleset)) +
                "; ghostport gave no answers: " + *ghostport_error);
  }
  const Answers& answers = std::get<Answers>(asked);
  std::vector<std::variant<Observation, std::string>> observed;
  std::vector<std::variant<Observation, std::string>> expected;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    observed.push_back(Observe(probes[i], outcomes[i]));
    expected.push_back(Expect(probes[i], answers.answers[i]));
  }

  // Probe every doubtful one once more, few at a time, so a lost ICMP error
  // or a slow machine cannot pass for an engine bug.
  std::vector<std::size_t> doubtful;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (Doubtful(observed[i], expected[i])) doubtful.push_back(i);
  }
  int unstable = 0;
  std::vector<std::string> notes;
  if (!doubtful.empty()) {
    std::vector<Probe> again;
    for (const std::size_t i : doubtful) {
      Probe copy = probes[i];
      copy.id = NextProbeId();
      again.push_back(copy);
    }
    const std::vector<KernelOutcome> second =
        Measure(lab, listeners, again, kReprobeTimeoutMs, scratch);
    for (std::size_t j = 0; j < doubtful.size(); ++j) {
      const std::size_t i = doubtful[j];
      const auto retry = Observe(again[j], second[j]);
      const auto* first_seen = std::get_if<Observation>(&observed[i]);
      const auto* second_seen = std::get_if<Observation>(&retry);
      const bool same = first_seen != nullptr && second_seen != nullptr &&
                        SameObservation(*first_seen, *second_seen);
      if (same) continue;
      ++unstable;
      notes.push_back("  note: the kernel's answer to " + Describe(probes[i]) +
                      " changed on re-probe: " + KernelText(observed[i], outcomes[i]) + " -> " +
                      KernelText(retry, second[j]));
      observed[i] = retry;
      outcomes[i] = second[j];
    }
  }
  listeners.server.Stop();
  listeners.backend.Stop();

  // Every probe, for reading by hand: NAME.outcomes.tsv in the lab's
  // directory (kept when something failed).
  std::string table = "probe\tkernel\tclient\tghostport\tagrees\n";
  std::map<std::string, int> seen;  // kernel observations, for the summary
  std::vector<std::string> report;
  std::vector<std::string> known_seen;
  std::vector<std::string> conditional;
  int counted = 0;
  int verdict_agree = 0;
  int agree = 0;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const Answer& answer = answers.answers[i];
    const auto* kernel = std::get_if<Observation>(&observed[i]);
    ++seen[kernel != nullptr ? ShortName(*kernel) : "unmeasured"];
    std::string line = Describe(probes[i]) + ": kernel " + KernelText(observed[i], outcomes[i]) +
                       "; ghostport " + GhostportText(answer, expected[i]);
    Judgement judgement;
    if (kernel != nullptr) {
      judgement = Judge(probes[i], *kernel, answer, expected[i]);
    } else {
      judgement.kind = probes[i].proto + ": the kernel could not be measured";
    }
    table += Describe(probes[i]) + "\t" +
             (kernel != nullptr ? Describe(*kernel) : std::get<std::string>(observed[i])) + "\t" +
             outcomes[i].client + "\t" + Describe(answer) + "\t" +
             (answer.conditional ? "conditional" : judgement.agrees ? "yes" : "no") + "\n";
    if (answer.conditional) {
      conditional.push_back("  CONDITIONAL (not counted" +
                            std::string(judgement.agrees ? ", agrees" : ", differs") + ") " + line);
      continue;
    }
    ++counted;
    if (!answers.v2) ++tally.v1_answers;
    if (judgement.verdict_agrees) ++verdict_agree;
    const std::string key = ruleset.name + "\t" + Describe(probes[i]);
    const auto known = KnownDisagreements().find(key);
    if (judgement.agrees) {
      ++agree;
      if (known != KnownDisagreements().end()) {
        report.push_back("  FIXED (remove it from known_disagreements.tsv) " + line);
      }
      continue;
    }
    ++tally.kinds[judgement.kind];
    if (known != KnownDisagreements().end()) {
      ++tally.known;
      known_seen.push_back("  KNOWN DISAGREEMENT (" + known->second + ") " + line);
      continue;
    }
    report.push_back("  DISAGREE " + line);
  }
  WriteFile(scratch / OutcomesFile(ruleset), table);
  tally.probes += static_cast<int>(probes.size());
  tally.conditional += static_cast<int>(conditional.size());
  tally.counted += counted;
  tally.verdict_agree += verdict_agree;
  tally.agree += agree;
  tally.unstable += unstable;

  std::ostringstream summary;
  summary << "ruleset " << ruleset.name << " (" << family << "): " << probes.size()
          << " probes, " << counted << " counted, " << verdict_agree << " verdict agree, "
          << agree << " agree";
  if (!conditional.empty()) summary << ", " << conditional.size() << " conditional";
  summary << " [kernel:";
  for (const auto& [name, count] : seen) summary << " " << count << " " << name;
  summary << "]";
  if (!answers.v2) summary << " (engine v1 answers)";
  if (unstable > 0) summary << " (" << unstable << " kernel answers changed on re-probe)";
  out << summary.str() << "\n";
  for (const std::string& note : notes) out << note << "\n";
  auto print = [&out](const std::vector<std::string>& lines) {
    for (std::size_t i = 0; i < lines.size() && i < kMaxReportedLines; ++i) {
      out << lines[i] << "\n";
    }
    if (lines.size() > kMaxReportedLines) {
      out << "  ... and " << lines.size() - kMaxReportedLines << " more\n";
    }
  };
  print(conditional);
  print(known_seen);
  print(report);
    if (report.empty()) return "";
  return fail(std::to_string(report.size()) + " of " + std::to_string(counted) +
              " counted probes disagree with the kernel (or a known disagreement was fixed)");
}

void PrintTally(const GroupTally& tally) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - tally.start).count() /
      1000.0;
  std::ostringstream out;
  out << "group " << tally.group << ": " << tally.rulesets << " rulesets, " << tally.probes
      << " probes, " << tally.counted << " counted (" << tally.conditional
      << " conditional, listed, not counted), " << tally.verdict_agree << " verdict agree, "
      << tally.agree << " agree, " << tally.counted - tally.agree << " disagree (" << tally.known
      << " of them known, listed in known_disagreements.tsv), "
      << tally.failed_rulesets << " rulesets failed, " << tally.unstable
      << " kernel answers changed on re-probe, " << seconds << " s";
  if (tally.v1_answers > 0) {
    out << "\n  note: " << tally.v1_answers
        << " answers had no connects/handshake/path (engine v1): judged as handshake complete, "
           "path input, no translation";
  }
  for (const auto& [kind, count] : tally.kinds) out << "\n  " << count << " x " << kind;
  std::cout << out.str() << std::endl;
}

}  // namespace ghostport::kernel_test
