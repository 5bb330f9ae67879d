#include "tests/kernel/ghostport_answer.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/kernel/lab.h"
#include "tests/kernel/ruleset_kind.h"

namespace ghostport::kernel_test {

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::optional<std::string> StringField(const json& object, const char* name) {
  if (object.contains(name) && object[name].is_string()) return object[name].get<std::string>();
  return std::nullopt;
}

std::optional<int> IntField(const json& object, const char* name) {
  if (object.contains(name) && object[name].is_number_integer()) return object[name].get<int>();
  return std::nullopt;
}

Answer Parse(const json& object) {
  Answer answer;
  answer.verdict = StringField(object, "verdict").value_or("<no verdict>");
  if (object.contains("connects") && object["connects"].is_boolean()) {
    answer.connects = object["connects"].get<bool>();
  }
  answer.handshake = StringField(object, "handshake");
  answer.path = StringField(object, "path");
  if (object.contains("translated") && object["translated"].is_object()) {
    const json& t = object["translated"];
    answer.translated = Translation{StringField(t, "kind").value_or("<no kind>"),
                                    StringField(t, "address"), IntField(t, "port")};
  }
  if (object.contains("conditional") && object["conditional"].is_boolean()) {
    answer.conditional = object["conditional"].get<bool>();
  }
  answer.file = StringField(object, "file").value_or("");
  if (object.contains("line") && object["line"].is_number_integer()) {
    answer.line = object["line"].get<long>();
  }
  answer.decided_by = StringField(object, "decided_by").value_or("");
  return answer;
}

// The v2 fields an answer about this probe must carry.
std::string MissingFields(const Answer& answer, const Probe& probe) {
  std::vector<std::string> missing;
  if (!answer.connects) missing.push_back("connects");
  if (answer.verdict == "accept") {
    if (!answer.path) missing.push_back("path");
    if (probe.proto == "tcp" && !answer.handshake) missing.push_back("handshake");
  }
  return Join(missing, ", ");
}

}  // namespace

std::string GhostportBinary() {
  if (const char* bin = std::getenv("GHOSTPORT_BIN"); bin != nullptr && *bin != '\0') return bin;
  return GHOSTPORT_BINARY_DIR "/audit/ghostport";
}

std::variant<Answers, std::string> AskGhostport(const fs::path& ruleset,
                                                const std::vector<Probe>& probes, bool ipv6,
                                                const fs::path& scratch) {
  std::string tsv;
  for (const Probe& p : probes) {
    tsv += p.proto + "\t" + std::to_string(p.port) + "\t" + p.source + "\t" + p.iif + "\n";
  }
  const fs::path batch = scratch / "ghostport-batch.tsv";
  WriteFile(batch, tsv);
  std::vector<std::string> argv = {
      GhostportBinary(), "probe", ruleset.string(),           "--batch", batch.string(),
      "--format",        "json",  "--to", ipv6 ? kServerV6 : kServerV4};
  for (const std::string& argument : GhostportFormatArguments(KindOrIptables(ruleset))) {
    argv.push_back(argument);
  }
  for (const ServerRoute& route : kServerRoutes) {
    argv.push_back("--route");
    argv.push_back(std::string(route.prefix) + "=" + route.dev);
  }
  const RunResult result = Run(argv, "", 120s);
  if (result.status != 0) {
    return "`" + Join(argv) + "` exited with status " + std::to_string(result.status) + ":\n" +
           result.err.substr(0, 4000);
  }
  Answers answers;
  for (const std::string& line : SplitLines(result.out)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const json object = json::parse(line);
      if (!object.is_object()) throw std::runtime_error("not an object");
      answers.answers.push_back(Parse(object));
      if (object.contains("connects")) answers.v2 = true;
    } catch (const std::exception& error) {
      return "ghostport printed a line that is not a JSON object (" + std::string(error.what()) +
             "): " + line;
    }
  }
  if (answers.answers.size() != probes.size()) {
    return "ghostport answered " + std::to_string(answers.answers.size()) + " of " +
           std::to_string(probes.size()) + " probes";
  }
  if (answers.v2) {
    for (std::size_t i = 0; i < probes.size(); ++i) {
      answers.answers[i].incomplete = MissingFields(answers.answers[i], probes[i]);
    }
  }
  return answers;
}

std::string Describe(const Answer& answer) {
  std::string text = "verdict=" + answer.verdict;
  text += " connects=" + (answer.connects ? std::string(*answer.connects ? "true" : "false") : "-");
  text += " handshake=" + answer.handshake.value_or("-");
  text += " path=" + answer.path.value_or("-");
  text += " translated=";
  if (answer.translated) {
    const Translation& t = *answer.translated;
    text += t.kind + " " + t.address.value_or("*") + ":" +
            (t.port ? std::to_string(*t.port) : std::string("*"));
  } else {
    text += "-";
  }
  if (answer.conditional) text += " conditional";
  return text;
}

std::string DecidingRule(const Answer& answer) {
  if (answer.file.empty()) {
    return answer.decided_by.empty() ? "(no file given)" : answer.decided_by;
  }
  std::string where = answer.file + ":" + std::to_string(answer.line);
  if (answer.line <= 0) return answer.decided_by.empty() ? where : where + ": " + answer.decided_by;
  std::ifstream in(answer.file);
  std::string text;
  for (long n = 0; n < answer.line && std::getline(in, text); ++n) {
  }
  return in ? where + ": " + text : where;
}

}  // namespace ghostport::kernel_test
