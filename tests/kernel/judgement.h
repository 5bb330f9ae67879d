// Judging one probe: what the kernel showed (an Observation made from the
// client's and the listeners' reports), what ghostport's answer says the
// kernel should show, and whether the two agree.
//
// What can be observed, and how each answer field maps onto it:
//   rejected      the client got a RST or an ICMP error for its first packet
//                 (verdict reject), or for its retried SYN (verdict accept,
//                 handshake retry-rejected: the SYN-ACK was lost after
//                 conntrack saw it, so the retry was ESTABLISHED)
//   silent        no answer and nothing received (verdict drop; for TCP also
//                 verdict accept with handshake reply-dropped or
//                 reply-rejected: the client cannot tell a lost SYN-ACK from
//                 a lost SYN)
//   delivered     a listener received it: path input (the server) or forward
//                 (the backend), at the address and port it had there
//                 (translated, or the probe's own destination)
//   ack-dropped   TCP: the client's side of the handshake completed, no
//                 listener ever accepted, no error came back (handshake
//                 ack-dropped)
//   ack-rejected  the same, but a reset or ICMP error came back (handshake
//                 ack-rejected)
// `connects` must be true exactly when the kernel delivered.
#pragma once

#include <string>
#include <variant>

#include "tests/kernel/ghostport_answer.h"
#include "tests/kernel/measurement.h"

namespace ghostport::kernel_test {

enum class Reach { kRejected, kSilent, kDelivered, kAckDropped, kAckRejected };

struct Observation {
  Reach reach = Reach::kSilent;
  // Delivered only:
  std::string path;     // input | forward
  std::string address;  // where it landed; "" = not compared
  int port = 0;         // where it landed; 0 = not compared
};

// What the kernel showed, or why the measurement cannot be read.
std::variant<Observation, std::string> Observe(const Probe& probe, const KernelOutcome& outcome);

// What ghostport's answer says the kernel shows, or why it cannot be read.
std::variant<Observation, std::string> Expect(const Probe& probe, const Answer& answer);

struct Judgement {
  bool verdict_agrees = false;  // the first packet's verdict fits what the kernel showed
  bool agrees = false;          // everything the kernel showed fits the answer
  std::string kind;             // a disagreement's kind, for grouping
};

Judgement Judge(const Probe& probe, const Observation& kernel, const Answer& answer,
                const std::variant<Observation, std::string>& expected);

bool SameObservation(const Observation& a, const Observation& b);

// "delivered/forward", "silent", ...
std::string ShortName(const Observation& observation);
// "delivered to the backend at 10.77.9.2:80 (path forward)", ...
std::string Describe(const Observation& observation);

}  // namespace ghostport::kernel_test
