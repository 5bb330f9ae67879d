// Services that are alive and risky to expose to the Internet (telnet,
// rpcbind, SMB, NFS, Docker, RDP, VNC, Redis, Elasticsearch, kubelet,
// memcached, MongoDB, ...), each with a sourced reason: the catalog's side of
// the `sensitive-service` finding. Curated in knowledge/sensitive.toml,
// compiled by catalog/tools/gen_present_use.py (generated/sensitive_data.inc).
#pragma once

#include "catalog/present_use.h"
#include "catalog/registry.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

struct SensitiveService {
  std::uint16_t port_low;
  std::uint16_t port_high;
  Transport transport;
  std::string_view service;  // what listens there
  std::string_view reason;   // why exposing it is a risk, one sentence
  std::span<const Citation> citations;
  std::uint32_t line;  // of its [[sensitive]] table in knowledge/sensitive.toml
};

inline constexpr std::string_view kSensitiveFile = "catalog/knowledge/sensitive.toml";

std::span<const SensitiveService> SensitiveServices();
// The entries covering `port` on `t`, in file order.
std::vector<const SensitiveService*> SensitiveAt(std::uint16_t port, Transport t);

}  // namespace ghostport::catalog
