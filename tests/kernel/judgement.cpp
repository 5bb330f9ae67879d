#include "tests/kernel/judgement.h"

namespace ghostport::kernel_test {

namespace {

const char* ReachName(Reach reach) {
  switch (reach) {
    case Reach::kRejected: return "rejected";
    case Reach::kSilent: return "silent";
    case Reach::kDelivered: return "delivered";
    case Reach::kAckDropped: return "ack-dropped";
    case Reach::kAckRejected: return "ack-rejected";
  }
  return "?";
}

Observation Delivered(const Landing& landing) {
  return {Reach::kDelivered, landing.host == Host::kBackend ? "forward" : "input",
          landing.address, landing.port};
}

bool SameLanding(const Observation& a, const Observation& b) {
  const bool address = a.address.empty() || b.address.empty() || a.address == b.address;
  const bool port = a.port == 0 || b.port == 0 || a.port == b.port;
  return address && port;
}

std::string Endpoint(const Observation& o) {
  const std::string address = o.address.empty() ? "*" : o.address;
  const std::string port = o.port == 0 ? "*" : std::to_string(o.port);
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + port;
}

}  // namespace

std::variant<Observation, std::string> Observe(const Probe& probe, const KernelOutcome& outcome) {
  if (!outcome.error.empty()) return outcome.error;
  const std::string& word = outcome.client;
  if (word.rfind("error", 0) == 0) return "packet_client: " + word;
  const bool received = outcome.landing.has_value();
  auto not_received = [&](Reach reach) -> std::variant<Observation, std::string> {
    if (received) return "a listener received it, but the client says " + word;
    return Observation{reach, "", "", 0};
  };
  if (probe.proto == "tcp") {
    if (word == "refused") return not_received(Reach::kRejected);
    if (word == "timeout") return not_received(Reach::kSilent);
    if (word.rfind("connected:", 0) == 0) {
      if (received) return Delivered(*outcome.landing);
      if (word == "connected:reset") return Observation{Reach::kAckRejected, "", "", 0};
      if (word == "connected:silent") return Observation{Reach::kAckDropped, "", "", 0};
      return "the client saw the server close the connection, but no listener reported it";
    }
  } else {
    if (word == "rejected") return not_received(Reach::kRejected);
    if (word == "blocked") return not_received(Reach::kSilent);
    if (word == "sent") {
      if (received) return Delivered(*outcome.landing);
      return Observation{Reach::kSilent, "", "", 0};
    }
  }
  return "packet_client said '" + word + "'";
}

std::variant<Observation, std::string> Expect(const Probe& probe, const Answer& answer) {
  if (answer.verdict == "reject") return Observation{Reach::kRejected, "", "", 0};
  if (answer.verdict == "drop") return Observation{Reach::kSilent, "", "", 0};
  if (answer.verdict != "accept") return "unknown verdict '" + answer.verdict + "'";
  if (probe.proto == "tcp") {
    const std::string handshake = answer.handshake.value_or("complete");
    if (handshake == "reply-dropped" || handshake == "reply-rejected") {
      return Observation{Reach::kSilent, "", "", 0};
    }
    if (handshake == "retry-rejected") return Observation{Reach::kRejected, "", "", 0};
    if (handshake == "ack-dropped") return Observation{Reach::kAckDropped, "", "", 0};
    if (handshake == "ack-rejected") return Observation{Reach::kAckRejected, "", "", 0};
    if (handshake != "complete") return "unknown handshake '" + handshake + "'";
  }
  Observation delivered{Reach::kDelivered, answer.path.value_or("input"), probe.destination,
                        probe.port};
  if (delivered.path != "input" && delivered.path != "forward") {
    return "unknown path '" + delivered.path + "'";
  }
  if (answer.translated) {
    const Translation& t = *answer.translated;
    if (t.kind == "dnat") {
      delivered.address = t.address.value_or(probe.destination);
    } else if (t.kind == "redirect") {
      delivered.address = t.address.value_or("");  // the incoming interface's address
    } else {
      return "unknown translation kind '" + t.kind + "'";
    }
    if (t.port) delivered.port = *t.port;
  }
  return delivered;
}

bool SameObservation(const Observation& a, const Observation& b) {
  if (a.reach != b.reach) return false;
  if (a.reach != Reach::kDelivered) return true;
  return a.path == b.path && SameLanding(a, b);
}

Judgement Judge(const Probe& probe, const Observation& kernel, const Answer& answer,
                const std::variant<Observation, std::string>& expected) {
  Judgement judgement;
  const std::string handshake = answer.handshake.value_or("complete");
  switch (kernel.reach) {
    case Reach::kRejected:
      judgement.verdict_agrees = answer.verdict == "reject" || (answer.verdict == "accept" && handshake == "retry-rejected");
      break;
    case Reach::kSilent:
      judgement.verdict_agrees =
          answer.verdict == "drop" ||
          (answer.verdict == "accept" && probe.proto == "tcp" &&
           (handshake == "reply-dropped" || handshake == "reply-rejected"));
      break;
    default: judgement.verdict_agrees = answer.verdict == "accept"; break;
  }
  const std::string prefix = probe.proto + (probe.local ? " over lo: " : ": ");
  if (const auto* error = std::get_if<std::string>(&expected)) {
    judgement.kind = prefix + "ghostport answer unreadable (" + *error + ")";
    return judgement;
  }
  const Observation& want = std::get<Observation>(expected);
  if (!answer.incomplete.empty()) {
    judgement.kind = prefix + "ghostport omitted " + answer.incomplete;
    return judgement;
  }
  if (kernel.reach != want.reach || kernel.path != want.path) {
    judgement.kind = prefix + "kernel " + ShortName(kernel) + ", ghostport " + ShortName(want);
    return judgement;
  }
  if (!SameObservation(kernel, want)) {
    judgement.kind = prefix + "kernel " + ShortName(kernel) + ", landing differs";
    return judgement;
  }
  const bool connected = kernel.reach == Reach::kDelivered;
  if (answer.connects && *answer.connects != connected) {
    judgement.kind = prefix + "kernel " + ShortName(kernel) + ", ghostport connects=" +
                     (*answer.connects ? "true" : "false");
    return judgement;
  }
  judgement.agrees = true;
  return judgement;
}

std::string ShortName(const Observation& observation) {
  std::string name = ReachName(observation.reach);
  if (observation.reach == Reach::kDelivered) name += "/" + observation.path;
  return name;
}

std::string Describe(const Observation& o) {
  switch (o.reach) {
    case Reach::kRejected: return "rejected (RST or ICMP error to the first packet)";
    case Reach::kSilent: return "silent (no answer, nothing received)";
    case Reach::kDelivered:
      return std::string("delivered to the ") + (o.path == "forward" ? "backend" : "server") +
             " at " + Endpoint(o) + " (path " + o.path + ")";
    case Reach::kAckDropped:
      return "the client connected, no listener accepted, no error (ACK dropped)";
    case Reach::kAckRejected:
      return "the client connected, then a reset or ICMP error; no listener accepted (ACK "
             "rejected)";
  }
  return "?";
}

}  // namespace ghostport::kernel_test
