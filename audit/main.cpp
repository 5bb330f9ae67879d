// ghostport — which ports does this firewall open, and to what?
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "audit/commands/audit_command.h"
#include "audit/commands/catalog_command.h"
#include "audit/commands/diff_command.h"
#include "audit/commands/explain_command.h"
#include "audit/commands/ports_command.h"
#include "audit/commands/probe_command.h"
#include "audit/inputs.h"
#include "audit/reports/report_file.h"
#include "audit/routes.h"
#include "parsers/input_format.h"

namespace {

using ghostport::audit::OutputFormat;

constexpr const char* kDescription =
    "ghostport reads a firewall ruleset, works out exactly which ports it opens to whom,\n"
    "and explains each opening.\n\n"
    "Examples:\n"
    "  ghostport ports /etc/iptables/rules.v4            what is open, from where, by which rule\n"
    "  iptables-save | ghostport ports -                 the same, from standard input\n"
    "  ghostport ports rules.v4 rules.v6 --format json   both families of one host, as JSON\n"
    "  ghostport probe rules.v4 --proto tcp --port 22 --from 203.0.113.7\n"
    "                                                    would this connection get in? which rule says so?\n"
    "  ghostport audit rules.v4 --fail-on high           for CI: exit 1 when a finding is high or worse\n"
    "  ghostport explain 3393 9200/tcp 3000-3500/tcp     what the catalog knows about ports and ranges\n"
    "  ghostport catalog stats                           what the catalog holds, by lifecycle\n\n"
    "Exit codes: 0 fine; 1 findings at or above --fail-on; 2 usage error or malformed input.";

OutputFormat ToFormat(const std::string& s) { return s == "json" ? OutputFormat::kJson : OutputFormat::kText; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "ghostport"};
  app.set_version_flag("--version", std::string("ghostport ") + GHOSTPORT_VERSION);
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::simple);

  std::vector<std::string> inputs;
  std::vector<std::string> route_specs;
  std::string input_format;
  std::string profile;
  std::string format = "text";
  bool live = false;
  auto add_inputs = [&](CLI::App* sub, bool many) {
    auto* opt = sub->add_option("INPUT", inputs, many ? "ruleset files (several describe one host); - for stdin"
                                                      : "ruleset file; - for stdin");
    if (!many) opt->expected(0, 1);
    sub->add_flag("--live", live,
                  "read the running kernel's nftables ruleset over netlink (read-only; needs CAP_NET_ADMIN) "
                  "instead of a file");
    std::string names;
    for (const auto& n : ghostport::parsers::InputFormatNames()) names += (names.empty() ? "" : ", ") + n;
    sub->add_option("--input-format", input_format,
                    "input format instead of detection: " + names +
                        " (this version reads all but wfw and registry-pol, which say so and exit 2)");
    sub->add_option("--profile", profile,
                    "Windows inputs: only this profile (domain, private or public); probe needs one");
    sub->add_option("--route", route_specs,
                    "a route of the host, PREFIX=INTERFACE (172.17.0.0/16=docker0; repeatable): forwarded "
                    "packets to PREFIX leave through INTERFACE (without one: through any)");
  };

  CLI::App* ports = app.add_subcommand("ports", "the effective exposure map: every open port, from where, by which rule");
  add_inputs(ports, true);
  bool ports_summary = false;
  ports->add_flag("--summary", ports_summary,
                  "per family (and Windows profile): the ports open to any source, to public addresses, to private "
                  "ranges, to single hosts, and loopback only");
  ports->add_option("--format", format, "text or json")->transform(CLI::IsMember({"text", "json"}, CLI::ignore_case));

  ghostport::audit::ProbeRequest probe_req;
  CLI::App* probe = app.add_subcommand("probe", "the verdict for one packet (or a batch), and the rules that decide it");
  add_inputs(probe, false);
  probe->add_option("--proto", probe_req.proto, "protocol: tcp, udp, icmp, ... or a number")->default_val("tcp");
  probe->add_option("--port", probe_req.port, "destination port")->check(CLI::Range(0, 65535));
  probe->add_option("--sport", probe_req.sport, "source port (unknown if not given)")->check(CLI::Range(0, 65535));
  probe->add_option("--from", probe_req.from, "source address (unknown if not given)");
  probe->add_option("--to", probe_req.to, "destination address of this host (per family; unknown if not given)");
  probe->add_option("--iif", probe_req.iif, "input interface");
  probe->add_option("--family", probe_req.family, "ipv4 or ipv6 (default: from the addresses, else ipv4)")
      ->transform(CLI::IsMember({"ipv4", "ipv6"}, CLI::ignore_case));
  probe->add_option("--batch", probe_req.batch_file,
                    "TSV file (or -) of proto<TAB>port<TAB>source[<TAB>iif]; one answer per line, in order");
  probe->add_option("--format", format, "text or json (one object per line)")
      ->transform(CLI::IsMember({"text", "json"}, CLI::ignore_case));

  ghostport::audit::AuditOptions audit_opts;
  std::string fail_on = "high";
  CLI::App* audit = app.add_subcommand("audit", "findings for CI: every opening, with exit code by --fail-on");
  add_inputs(audit, true);
  audit->add_option("--format", format, "text, json, sarif, junit, markdown or html")
      ->transform(CLI::IsMember({"text", "json", "sarif", "junit", "markdown", "html"}, CLI::ignore_case));
  audit->add_option("-o,--output", audit_opts.output_file, "write the report to FILE instead of standard output");
  audit->add_option("--baseline", audit_opts.baseline_file,
                    "a previous `audit --format json` report: report only findings it does not have");
  audit->add_option("--policy", audit_opts.policy_file,
                    "policy file: port assignments, severity overrides, waivers (see examples/policy.toml)");
  audit->add_option("--fail-on", fail_on, "info, low, medium, high, critical or never (default high)")
      ->transform(CLI::IsMember({"info", "low", "medium", "high", "critical", "never"}, CLI::ignore_case));

  ghostport::audit::DiffOptions diff_opts;
  std::string diff_fail_on = "high";
  // diff and drift take the same options; one of them runs.
  auto comparison = [&](const char* name, const char* what, const char* first, const char* second,
                        const char* fail_what) {
    CLI::App* c = app.add_subcommand(name, what);
    c->add_option(name == std::string("diff") ? "BEFORE" : "A", diff_opts.before, first)->required();
    CLI::Option* b = c->add_option(name == std::string("diff") ? "AFTER" : "B", diff_opts.after, second);
    if (name == std::string("diff")) b->required();
    c->add_option("--format", format, "text, json or markdown")->transform(CLI::IsMember({"text", "json", "markdown"}, CLI::ignore_case));
    c->add_option("--policy", diff_opts.policy_file, "policy file (assignments, severity overrides, waivers)");
    c->add_option("--fail-on", diff_fail_on, fail_what)
        ->transform(CLI::IsMember({"info", "low", "medium", "high", "critical", "never"}, CLI::ignore_case));
    c->add_option("--input-format", diff_opts.input_format, "input format of both files instead of detection");
    c->add_option("-o,--output", diff_opts.output_file, "write the report to FILE instead of standard output");
    return c;
  };
  CLI::App* diff = comparison("diff", "what a change opens and closes, and the findings it adds and resolves",
                              "the ruleset before the change", "the ruleset after the change",
                              "exit 1 when the change adds a finding at or above this (default high)");
  CLI::App* drift = comparison("drift",
                               "how two inputs of one ruleset differ (a config and what runs, in any formats): "
                               "what is open only in one of them",
                               "the ruleset as configured (a file)", "the ruleset as it runs (another input)",
                               "exit 1 when B has a finding at or above this that A has not (default high)");
  drift->add_flag("--live", diff_opts.after_live, "B is the running kernel's nftables ruleset (read-only, netlink)");

  ghostport::audit::ExplainRequest explain_req;
  CLI::App* explain = app.add_subcommand(
      "explain", "what the port catalog knows: registration, lifecycle, what likely listens, how to check");
  explain->add_option("PORT", explain_req.specs,
                      "PORT, PORT/PROTO, LOW-HIGH[/PROTO] or a service name (without /PROTO: tcp and udp)")
      ->required();
  explain->add_option("--policy", explain_req.policy_file, "policy file: the organisation's port assignments come first");
  explain->add_option("--format", format, "text or json (one object per port and transport, one per line)")
      ->transform(CLI::IsMember({"text", "json"}, CLI::ignore_case));

  CLI::App* catalog = app.add_subcommand("catalog", "the port catalog itself");
  catalog->require_subcommand(1);
  CLI::App* catalog_stats = catalog->add_subcommand("stats", "counts by lifecycle, range and transport; sources");
  catalog_stats->add_option("--format", format, "text or json")->transform(CLI::IsMember({"text", "json"}, CLI::ignore_case));
  std::string knowledge_file;
  CLI::App* catalog_lint = catalog->add_subcommand(
      "lint", "check curated knowledge: evidence and sources present, nothing contradicts the registry");
  catalog_lint->add_option("--knowledge", knowledge_file, "a dead.toml to lint instead of the built-in one");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error is exit code 2.
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (drift->parsed() && diff_opts.after_live == !diff_opts.after.empty()) {
    std::cerr << (diff_opts.after_live ? "error: drift FILE --live compares FILE with the running kernel; give no B with it\n"
                                       : "error: drift needs B, or --live for the running kernel\n");
    return 2;
  }
  if (diff->parsed() || drift->parsed()) {
    diff_opts.mode = drift->parsed() ? ghostport::audit::DiffMode::kDrift : ghostport::audit::DiffMode::kChange;
    diff_opts.format = format == "json"       ? ghostport::audit::DiffFormat::kJson
                       : format == "markdown" ? ghostport::audit::DiffFormat::kMarkdown
                                              : ghostport::audit::DiffFormat::kText;
    diff_opts.fail_on = ghostport::audit::SeverityFromName(diff_fail_on);
    const char* no_colour = std::getenv("NO_COLOR");
    diff_opts.colour = isatty(STDOUT_FILENO) != 0 && (no_colour == nullptr || *no_colour == '\0');
    const int status = ghostport::audit::RunDiff(diff_opts, std::cout, std::cerr);
    if (status == 2) ghostport::audit::RemoveStaleReport(diff_opts.output_file);
    return status;
  }
  if (explain->parsed()) {
    explain_req.format = ToFormat(format);
    return ghostport::audit::RunExplain(explain_req, std::cout, std::cerr);
  }
  if (catalog_stats->parsed()) return ghostport::audit::RunCatalogStats(ToFormat(format), std::cout);
  if (catalog_lint->parsed()) return ghostport::audit::RunCatalogLint(knowledge_file, std::cout, std::cerr);

  if (ports->parsed() || probe->parsed() || audit->parsed()) {
    // --live or files, one of the two.
    if (live && !inputs.empty()) {
      std::cerr << "error: --live reads the running kernel; give no INPUT with it\n";
      return 2;
    }
    if (!live && inputs.empty()) {
      std::cerr << "error: INPUT is required (a ruleset file, - for stdin, or --live)\n";
      return 2;
    }
    if (probe->parsed() && !probe_req.batch_file.empty() && probe_req.batch_file == "-" && !live && inputs[0] == "-") {
      std::cerr << "error: the ruleset and the batch cannot both come from standard input\n";
      return 2;
    }
    std::optional<std::vector<ghostport::rules::Route>> routes = ghostport::audit::ParseRoutes(route_specs, std::cerr);
    if (!routes) return 2;
    // The model lives until the process ends: it is never freed piece by
    // piece (a 60,000-rule model takes longer to free than to evaluate). A
    // static holds the pointer, so it stays reachable to the end and
    // LeakSanitizer does not take it for a leak.
    // After any error, no report an earlier run left at -o FILE survives.
    auto failed = [&] {
      if (audit->parsed()) ghostport::audit::RemoveStaleReport(audit_opts.output_file);
      return 2;
    };
    static auto* const loaded = new std::optional<ghostport::audit::LoadedInputs>(
        live ? ghostport::audit::LoadLiveInput(std::cerr)
             : ghostport::audit::LoadInputs(inputs, input_format, std::cerr, /*digest=*/audit->parsed()));
    if (!*loaded) return failed();
    if (!profile.empty() && !ghostport::audit::SelectProfile(**loaded, profile, std::cerr)) return failed();
    (*loaded)->ruleset.routes = std::move(*routes);
    if (ports->parsed()) {
      return ghostport::audit::RunPorts(**loaded, ToFormat(format), std::cout, std::cerr, ports_summary);
    }
    if (probe->parsed()) {
      return ghostport::audit::RunProbe(**loaded, probe_req, ToFormat(format), std::cout, std::cerr);
    }
    audit_opts.format = *ghostport::audit::ReportFormatFromName(format);
    audit_opts.fail_on = ghostport::audit::SeverityFromName(fail_on);
    const char* no_colour = std::getenv("NO_COLOR");
    audit_opts.colour = isatty(STDOUT_FILENO) != 0 && (no_colour == nullptr || *no_colour == '\0');
    const int status = ghostport::audit::RunAudit(**loaded, audit_opts, std::cout, std::cerr);
    return status == 2 ? failed() : status;
  }
  return 2;
}
