// The option schemas, transcribed from iptables 1.8's extensions (their
// xt_option_entry tables and final checks); iptables' own wording is kept in
// the one_of messages.
#include "parsers/iptables/iptables_extension_options.h"

// The rows give only the fields that differ from the defaults, as
// libxtables' designated initializers do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ghostport::parsers::iptables {
namespace {

using V = XtValue;
constexpr std::uint64_t k8 = 0xff, k16 = 0xffff, k32 = 0xffffffffu, k64 = ~std::uint64_t{0};

// Options: {name, value, min, max, mandatory, invertible, excludes, also, choices, also_earlier}.
constexpr XtOption kConnbytes[] = {
    {"--connbytes", V::kUintRange, 0, k64, true, true},
    {"--connbytes-dir", V::kChoice, 0, 0, true, false, "", "", "original,reply,both"},
    {"--connbytes-mode", V::kChoice, 0, 0, true, false, "", "", "packets,bytes,avgpkt"},
};
constexpr XtOption kConnlimit[] = {
    {"--connlimit-upto", V::kUint, 0, k32, false, false, "--connlimit-above"},
    {"--connlimit-above", V::kUint, 0, k32, false, false, "--connlimit-upto"},
    {"--connlimit-mask", V::kUint, 0, 128},
    {"--connlimit-saddr", V::kNone, 0, 0, false, false, "--connlimit-daddr"},
    {"--connlimit-daddr", V::kNone, 0, 0, false, false, "--connlimit-saddr"},
};
constexpr XtOption kMarkMatch[] = {{"--mark", V::kMarkMask, 0, k32, true, true}};
constexpr XtOption kCpu[] = {{"--cpu", V::kUint, 0, k32, true, true}};
constexpr std::string_view kDscpClasses =
    "CS0,CS1,CS2,CS3,CS4,CS5,CS6,CS7,BE,EF,AF11,AF12,AF13,AF21,AF22,AF23,AF31,AF32,AF33,AF41,AF42,AF43";
constexpr XtOption kDscpMatch[] = {
    {"--dscp", V::kUint, 0, 63, false, true, "--dscp-class"},
    {"--dscp-class", V::kChoice, 0, 0, false, true, "--dscp", "", kDscpClasses},
};
constexpr std::string_view kTosNames =
    "Minimize-Delay,Maximize-Throughput,Maximize-Reliability,Minimize-Cost,Normal-Service";
constexpr XtOption kTosMatch[] = {{"--tos", V::kChoice, 0, k8, true, true, "", "", kTosNames}};
constexpr XtOption kHlMatch[] = {
    {"--hl-eq", V::kUint, 0, k8, false, true, "--hl-lt,--hl-gt"},
    {"--hl-lt", V::kUint, 0, k8, false, false, "--hl-eq,--hl-gt"},
    {"--hl-gt", V::kUint, 0, k8, false, false, "--hl-eq,--hl-lt"},
};
constexpr XtOption kTtlMatch[] = {
    {"--ttl-eq", V::kUint, 0, k8, false, true, "--ttl-lt,--ttl-gt"},
    {"--ttl-lt", V::kUint, 0, k8, false, false, "--ttl-eq,--ttl-gt"},
    {"--ttl-gt", V::kUint, 0, k8, false, false, "--ttl-eq,--ttl-lt"},
};
constexpr XtOption kLength[] = {{"--length", V::kUintRange, 0, k16, true, true}};
constexpr XtOption kMac[] = {{"--mac-source", V::kMac, 0, 0, true, true}};
constexpr XtOption kNfacct[] = {{"--nfacct-name", V::kString, 0, 31, true}};
constexpr XtOption kPkttype[] = {{"--pkt-type", V::kChoice, 0, 0, true, true, "", "",
                                  "unicast,broadcast,multicast,host,otherhost,outgoing,loopback,fastroute"}};
constexpr XtOption kQuota[] = {{"--quota", V::kUint, 0, k64, true, true}};
constexpr XtOption kRealm[] = {{"--realm", V::kAny, 0, 0, true, true}};
constexpr XtOption kRecent[] = {
    {"--set", V::kNone, 0, 0, false, true, "--rcheck,--update,--remove"},
    {"--rcheck", V::kNone, 0, 0, false, true, "--set,--update,--remove"},
    {"--update", V::kNone, 0, 0, false, true, "--set,--rcheck,--remove"},
    {"--remove", V::kNone, 0, 0, false, true, "--set,--rcheck,--update"},
    {"--seconds", V::kUint, 0, k32},
    {"--reap", V::kNone, 0, 0, false, false, "", "--seconds"},
    {"--hitcount", V::kUint, 0, k32},
    {"--rttl", V::kNone, 0, 0, false, false, "--set,--remove"},
    {"--name", V::kString, 0, 200},
    {"--rsource", V::kNone, 0, 0, false, false, "--rdest"},
    {"--rdest", V::kNone, 0, 0, false, false, "--rsource"},
    {"--mask", V::kAny},
};
constexpr XtOption kStatistic[] = {
    {"--mode", V::kChoice, 0, 0, true, false, "", "", "random,nth"},
    {"--probability", V::kProbability, 0, 0, false, true, "--every,--packet"},
    {"--every", V::kUint, 1, k32, false, true, "--probability", "--packet"},
    {"--packet", V::kUint, 0, k32, false, false, "--probability", "--every"},
};
constexpr XtOption kString[] = {
    {"--from", V::kUint, 0, k16},
    {"--to", V::kUint, 0, k16},
    {"--algo", V::kChoice, 0, 0, true, false, "", "", "bm,kmp"},
    {"--string", V::kString, 0, 128, false, true, "--hex-string"},
    {"--hex-string", V::kAny, 0, 0, false, true, "--string"},
    {"--icase", V::kNone},
};
constexpr XtOption kTcpmss[] = {{"--mss", V::kUintRange, 0, k16, true, true}};
constexpr XtOption kHelper[] = {{"--helper", V::kString, 0, 29, true, true}};
constexpr XtOption kHashlimit[] = {
    {"--hashlimit", V::kAny, 0, 0, false, false, "--hashlimit-upto,--hashlimit-above"},
    {"--hashlimit-upto", V::kAny, 0, 0, false, false, "--hashlimit,--hashlimit-above"},
    {"--hashlimit-above", V::kAny, 0, 0, false, false, "--hashlimit,--hashlimit-upto"},
    {"--hashlimit-burst", V::kAny},
    {"--hashlimit-mode", V::kAny},
    {"--hashlimit-srcmask", V::kUint, 0, 128},
    {"--hashlimit-dstmask", V::kUint, 0, 128},
    {"--hashlimit-name", V::kString, 0, 255, true},
    {"--hashlimit-htable-size", V::kUint, 0, k32},
    {"--hashlimit-htable-max", V::kUint, 0, k32},
    {"--hashlimit-htable-gcinterval", V::kUint, 0, k32},
    {"--hashlimit-htable-expire", V::kUint, 0, k32},
    {"--hashlimit-rate-match", V::kNone},
    {"--hashlimit-rate-interval", V::kUint, 0, k32},
};
constexpr XtOption kCluster[] = {
    {"--cluster-total-nodes", V::kUint, 0, k32, true},
    {"--cluster-local-node", V::kUint, 0, k32, false, true, "--cluster-local-nodemask"},
    {"--cluster-local-nodemask", V::kUint, 0, k32, false, true, "--cluster-local-node"},
    {"--cluster-hash-seed", V::kUint, 0, k32, true},
};
constexpr XtOption kFrag[] = {
    {"--fragid", V::kUintRange, 0, k32, false, true},
    {"--fraglen", V::kUint, 0, k32, false, true},
    {"--fragres", V::kNone},
    {"--fragfirst", V::kNone},
    {"--fragmore", V::kNone, 0, 0, false, false, "--fraglast"},
    {"--fraglast", V::kNone, 0, 0, false, false, "--fragmore"},
};
constexpr XtOption kRt[] = {
    {"--rt-type", V::kUint, 0, k32, false, true},
    {"--rt-segsleft", V::kUintRange, 0, k32, false, true},
    {"--rt-len", V::kUint, 0, k32, false, true},
    {"--rt-0-res", V::kNone},
    {"--rt-0-addrs", V::kAny},
    {"--rt-0-not-strict", V::kNone, 0, 0, false, false, "", "--rt-0-addrs"},
};
constexpr XtOption kOsf[] = {
    {"--genre", V::kString, 0, 32, true, true},
    {"--ttl", V::kUint, 0, 2},
    {"--log", V::kUint, 0, 2},
};
constexpr XtOption kOwner[] = {
    {"--uid-owner", V::kAny, 0, 0, false, true},
    {"--gid-owner", V::kAny, 0, 0, false, true},
    {"--socket-exists", V::kNone, 0, 0, false, true},
    {"--suppl-groups", V::kNone, 0, 0, false, false, "", "--gid-owner", "", true},
};
constexpr XtOption kEcnMatch[] = {
    {"--ecn-tcp-cwr", V::kNone, 0, 0, false, true},
    {"--ecn-tcp-ece", V::kNone, 0, 0, false, true},
    {"--ecn-ip-ect", V::kUint, 0, 3, false, true},
};

// Matches ghostport reads itself (iptables_rule_tables.cpp): only the
// checks that reading leaves out.
constexpr XtOption kAh[] = {{"--ahspi", V::kUintRange, 0, k32, false, true}};
constexpr XtOption kEsp[] = {{"--espspi", V::kUintRange, 0, k32, false, true}};
constexpr XtOption kIpcomp[] = {{"--ipcompspi", V::kUintRange, 0, k32, false, true}, {"--compres", V::kNone}};
constexpr XtOption kDccp[] = {{"--dccp-option", V::kUint, 1, k8, false, true}};
constexpr XtOption kConntrack[] = {
    {"--ctexpire", V::kUintRange, 0, k32, false, true},
    {"--ctproto", V::kProtocol, 1, k8, false, true},
    {"--ctorigsrcport", V::kPortRange, 0, k16, false, true},
    {"--ctorigdstport", V::kPortRange, 0, k16, false, true},
    {"--ctreplsrcport", V::kPortRange, 0, k16, false, true},
    {"--ctrepldstport", V::kPortRange, 0, k16, false, true},
};
// CT's --notrack is read by the target table; the zones are checked here.
constexpr XtOption kCt[] = {
    {"--zone", V::kChoice, 0, k16, false, false, "", "", "mark"},
    {"--zone-orig", V::kChoice, 0, k16, false, false, "", "", "mark"},
    {"--zone-reply", V::kChoice, 0, k16, false, false, "", "", "mark"},
};
constexpr std::string_view kConntrackOptions =
    "--ctstate,--ctproto,--ctorigsrc,--ctorigdst,--ctreplsrc,--ctrepldst,--ctorigsrcport,--ctorigdstport,"
    "--ctreplsrcport,--ctrepldstport,--ctstatus,--ctexpire,--ctdir";

constexpr std::string_view kLogLevels = "emerg,alert,crit,error,err,warning,warn,notice,info,debug,panic";
constexpr XtOption kLog[] = {
    {"--log-level", V::kChoice, 0, 7, false, false, "", "", kLogLevels},
    {"--log-prefix", V::kString, 0, 29},
    {"--log-tcp-sequence", V::kNone},
    {"--log-tcp-options", V::kNone},
    {"--log-ip-options", V::kNone},
    {"--log-uid", V::kNone},
    {"--log-macdecode", V::kNone},
};
constexpr XtOption kNflog[] = {
    {"--nflog-group", V::kUint, 0, k16},
    {"--nflog-prefix", V::kAny},  // iptables shortens a longer one
    {"--nflog-range", V::kUint, 0, k32, false, false, "--nflog-size"},
    {"--nflog-size", V::kUint, 0, k32, false, false, "--nflog-range"},
    {"--nflog-threshold", V::kUint, 0, k16},
};
constexpr std::string_view kMarkOps = "--set-xmark,--set-mark,--and-mark,--or-mark,--xor-mark";
constexpr XtOption kMarkTarget[] = {
    {"--set-xmark", V::kMarkMask, 0, k32, false, false, "--set-mark,--and-mark,--or-mark,--xor-mark"},
    {"--set-mark", V::kMarkMask, 0, k32, false, false, "--set-xmark,--and-mark,--or-mark,--xor-mark"},
    {"--and-mark", V::kUint, 0, k32, false, false, "--set-xmark,--set-mark,--or-mark,--xor-mark"},
    {"--or-mark", V::kUint, 0, k32, false, false, "--set-xmark,--set-mark,--and-mark,--xor-mark"},
    {"--xor-mark", V::kUint, 0, k32, false, false, "--set-xmark,--set-mark,--and-mark,--or-mark"},
};
constexpr XtOption kConnmarkTarget[] = {
    {"--set-xmark", V::kMarkMask, 0, k32}, {"--set-mark", V::kMarkMask, 0, k32}, {"--save-mark", V::kNone},
    {"--restore-mark", V::kNone},          {"--and-mark", V::kUint, 0, k32},      {"--or-mark", V::kUint, 0, k32},
    {"--xor-mark", V::kUint, 0, k32},      {"--mask", V::kUint, 0, k32},          {"--nfmask", V::kUint, 0, k32},
    {"--ctmask", V::kUint, 0, k32},        {"--left-shift-mark", V::kUint, 0, 31}, {"--right-shift-mark", V::kUint, 0, 31},
};
constexpr XtOption kTtlTarget[] = {
    {"--ttl-set", V::kUint, 0, k8, false, false, "--ttl-inc,--ttl-dec"},
    {"--ttl-inc", V::kUint, 1, k8, false, false, "--ttl-set,--ttl-dec"},
    {"--ttl-dec", V::kUint, 1, k8, false, false, "--ttl-set,--ttl-inc"},
};
constexpr XtOption kHlTarget[] = {
    {"--hl-set", V::kUint, 0, k8, false, false, "--hl-inc,--hl-dec"},
    {"--hl-inc", V::kUint, 1, k8, false, false, "--hl-set,--hl-dec"},
    {"--hl-dec", V::kUint, 1, k8, false, false, "--hl-set,--hl-inc"},
};
constexpr XtOption kDscpTarget[] = {
    {"--set-dscp", V::kUint, 0, 63, false, false, "--set-dscp-class"},
    {"--set-dscp-class", V::kChoice, 0, 0, false, false, "--set-dscp", "", kDscpClasses},
};
constexpr XtOption kTosTarget[] = {
    {"--set-tos", V::kChoice, 0, k8, false, false, "--and-tos,--or-tos,--xor-tos", "", kTosNames},
    {"--and-tos", V::kUint, 0, k8, false, false, "--set-tos,--or-tos,--xor-tos"},
    {"--or-tos", V::kUint, 0, k8, false, false, "--set-tos,--and-tos,--xor-tos"},
    {"--xor-tos", V::kUint, 0, k8, false, false, "--set-tos,--and-tos,--or-tos"},
};
constexpr XtOption kEcnTarget[] = {
    {"--ecn-tcp-remove", V::kNone},
    {"--ecn-tcp-cwr", V::kUint, 0, 1},
    {"--ecn-tcp-ece", V::kUint, 0, 1},
    {"--ecn-ip-ect", V::kUint, 0, 3},
};
constexpr XtOption kTcpmssTarget[] = {
    {"--set-mss", V::kUint, 0, k16, false, false, "--clamp-mss-to-pmtu"},
    {"--clamp-mss-to-pmtu", V::kNone, 0, 0, false, false, "--set-mss"},
};
constexpr XtOption kTcpoptstrip[] = {
    {"--strip-options", V::kChoiceList, 2, k8, false, false, "", "", "wscale,mss,sack-permitted,sack,timestamp,md5"},
};
constexpr XtOption kAudit[] = {{"--type", V::kChoice, 0, 0, true, false, "", "", "accept,drop,reject"}};
constexpr XtOption kChecksum[] = {{"--checksum-fill", V::kNone, 0, 0, true}};
constexpr XtOption kClassify[] = {{"--set-class", V::kAny, 0, 0, true}};
constexpr XtOption kConnsecmark[] = {
    {"--save", V::kNone, 0, 0, false, false, "--restore"},
    {"--restore", V::kNone, 0, 0, false, false, "--save"},
};
constexpr XtOption kSecmark[] = {{"--selctx", V::kString, 0, 255, true}};
constexpr XtOption kIdletimer[] = {
    {"--timeout", V::kUint, 0, k32, true},
    {"--label", V::kString, 0, 27, true},
    {"--alarm", V::kNone},
};
constexpr XtOption kLed[] = {
    {"--led-trigger-id", V::kString, 0, 27, true},
    {"--led-delay", V::kAny},
    {"--led-always-blink", V::kNone},
};
constexpr XtOption kHmark[] = {
    {"--hmark-mod", V::kUint, 0, k32, true},
    {"--hmark-spi-mask", V::kUint, 0, k32, false, false, "--hmark-sport-mask,--hmark-dport-mask"},
    {"--hmark-sport-mask", V::kUint, 0, k16, false, false, "--hmark-spi-mask"},
    {"--hmark-dport-mask", V::kUint, 0, k16, false, false, "--hmark-spi-mask"},
};
constexpr XtOption kNfqueue[] = {
    {"--queue-num", V::kUint, 0, k16, false, false, "--queue-balance"},
    {"--queue-balance", V::kUintStrictRange, 0, k16, false, false, "--queue-num"},
    {"--queue-bypass", V::kNone},
    {"--fail-open", V::kNone},
    {"--queue-cpu-fanout", V::kNone, 0, 0, false, false, "", "--queue-balance"},
};
constexpr XtOption kTee[] = {{"--gateway", V::kAny, 0, 0, true}, {"--oif", V::kString, 0, 15}};
// libip6t_mh: the types' names and ranges are checked in
// iptables_rule_cross_checks.cpp.
constexpr XtOption kMh[] = {{"--mh-type", V::kAny, 0, 0, false, true}};
// libxt_policy: the elements (--next starts another) are checked in
// iptables_rule_cross_checks.cpp.
constexpr XtOption kPolicy[] = {
    {"--dir", V::kChoice, 0, 0, false, false, "", "", "in,out"},
    {"--pol", V::kChoice, 0, 0, false, false, "", "", "none,ipsec"},
    {"--strict", V::kNone},
    {"--reqid", V::kUint, 0, k32, false, true},
    {"--spi", V::kUint, 0, k32, false, true},
    {"--tunnel-src", V::kAny, 0, 0, false, true},
    {"--tunnel-dst", V::kAny, 0, 0, false, true},
    {"--proto", V::kChoice, 0, 0, false, true, "", "", "ah,esp,ipcomp,51,50,108"},
    {"--mode", V::kChoice, 0, 0, false, true, "", "", "transport,tunnel"},
    {"--next", V::kNone, 0, 0, false, false, "", "--strict"},
};
constexpr XtOption kNpt[] = {{"--src-pfx", V::kAny, 0, 0, true}, {"--dst-pfx", V::kAny, 0, 0, true}};

constexpr XtExtension kExtensions[] = {
    {"connbytes", false, kConnbytes},
    {"connlimit", false, kConnlimit, "--connlimit-upto,--connlimit-above",
     "You must specify \"--connlimit-above\" or \"--connlimit-upto\""},
    {"connmark", false, kMarkMatch},
    {"mark", false, kMarkMatch},
    {"cpu", false, kCpu},
    {"dscp", false, kDscpMatch, "--dscp,--dscp-class", "DSCP match: Parameter --dscp is required"},
    {"tos", false, kTosMatch},
    {"hl", false, kHlMatch, "--hl-eq,--hl-lt,--hl-gt", "HL match: You must specify one of --hl-eq, --hl-lt, --hl-gt"},
    {"ttl", false, kTtlMatch, "--ttl-eq,--ttl-lt,--ttl-gt",
     "TTL match: You must specify one of --ttl-eq, --ttl-lt, --ttl-gt"},
    {"length", false, kLength},
    {"mac", false, kMac},
    {"nfacct", false, kNfacct},
    {"pkttype", false, kPkttype},
    {"quota", false, kQuota},
    {"realm", false, kRealm},
    {"recent", false, kRecent},
    {"statistic", false, kStatistic},
    {"mh", false, kMh},
    {"policy", false, kPolicy, "--dir", "policy match: neither --dir in nor --dir out specified"},
    {"string", false, kString, "--string,--hex-string", "STRING match: You must specify --string or --hex-string"},
    {"tcpmss", false, kTcpmss},
    {"helper", false, kHelper},
    {"hashlimit", false, kHashlimit, "--hashlimit,--hashlimit-upto,--hashlimit-above", "You have to specify --hashlimit"},
    {"cluster", false, kCluster, "--cluster-local-node,--cluster-local-nodemask",
     "cluster match: --cluster-local-node or --cluster-local-nodemask is missing"},
    {"frag", false, kFrag},
    {"rt", false, kRt},
    {"osf", false, kOsf},
    {"owner", false, kOwner},
    {"ecn", false, kEcnMatch},
    {"ah", false, kAh, "", nullptr, false},
    {"esp", false, kEsp, "", nullptr, false},
    {"ipcomp", false, kIpcomp},
    {"dccp", false, kDccp, "", nullptr, false},
    {"conntrack", false, kConntrack, kConntrackOptions, "conntrack: At least one option is required", false},
    {"comment", false, {}, "--comment", "comment: option \"--comment\" must be specified", false},
    {"state", false, {}, "--state", "state: option \"--state\" must be specified", false},
    {"iprange", false, {}, "--src-range,--dst-range", "iprange match: You must specify --src-range or --dst-range",
     false},
    {"icmp6", false, {}, "--icmpv6-type", "icmp6: option \"--icmpv6-type\" must be specified", false},
    {"CT", true, kCt, "", nullptr, false},
    {"LOG", true, kLog},
    {"NFLOG", true, kNflog},
    {"MARK", true, kMarkTarget, kMarkOps, "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required"},
    {"CONNMARK", true, kConnmarkTarget, "--set-xmark,--set-mark,--save-mark,--restore-mark,--and-mark,--or-mark,--xor-mark",
     "CONNMARK target: No operation specified"},
    {"TTL", true, kTtlTarget, "--ttl-set,--ttl-inc,--ttl-dec", "TTL: You must specify an action"},
    {"HL", true, kHlTarget, "--hl-set,--hl-inc,--hl-dec", "HL: You must specify an action"},
    {"DSCP", true, kDscpTarget, "--set-dscp,--set-dscp-class", "DSCP target: Parameter --set-dscp is required"},
    {"TOS", true, kTosTarget, "--set-tos,--and-tos,--or-tos,--xor-tos", "TOS: An action is required"},
    {"ECN", true, kEcnTarget, "--ecn-tcp-remove,--ecn-tcp-cwr,--ecn-tcp-ece,--ecn-ip-ect",
     "ECN target: An operation is required"},
    {"TCPMSS", true, kTcpmssTarget, "--set-mss,--clamp-mss-to-pmtu", "TCPMSS target: At least one parameter is required"},
    {"TCPOPTSTRIP", true, kTcpoptstrip},
    {"AUDIT", true, kAudit},
    {"CHECKSUM", true, kChecksum},
    {"CLASSIFY", true, kClassify},
    {"CONNSECMARK", true, kConnsecmark, "--save,--restore", "CONNSECMARK target: parameter required"},
    {"SECMARK", true, kSecmark},
    {"IDLETIMER", true, kIdletimer},
    {"LED", true, kLed},
    // HMARK has more options than the ones checked here.
    {"HMARK", true, kHmark, "", nullptr, false},
    {"NFQUEUE", true, kNfqueue},
    {"TEE", true, kTee},
    {"DNPT", true, kNpt},
    {"SNPT", true, kNpt},
};

}  // namespace

const XtExtension* FindXtExtension(std::string_view name, bool target) {
  for (const XtExtension& e : kExtensions)
    if (e.target == target && e.name == name) return &e;
  return nullptr;
}

}  // namespace ghostport::parsers::iptables
