// The ports an nftables ruleset (nft config text) names, for PortsFor
// (probes.h): not a parser, a scan over words that finds what the probes
// need and nothing more.
//
//   matched  after `dport`/`sport` (of any protocol, `th` too), past `!=`,
//            `==` or a comparison (`< 1024`: the bound and its neighbours):
//            a port, a range (80-90), an anonymous set's elements
//            ({ 22, 80-90 }, concatenations { 10.77.1.5 . 22 }), the keys
//            of a map or verdict map (map { 80 : ... }, vmap { 22 : accept });
//            every element of a named set or map whose type or typeof names
//            inet_service, dport or sport (`elements = { ... }`, and
//            `add element` to it)
//   targets  after `dnat ... to`, `redirect to`, `tproxy ... to`: the port of
//            10.77.9.2:8080, [fd77:9::2]:8080, :8080 (ranges too), and of
//            each value of a map there ({ 80 : 10.77.9.2 . 8080 })
//
// `define NAME = VALUE` is expanded where `$NAME` is used; comments and
// quoted strings are skipped. Ports are numbers only: service names
// (`ssh`) are not looked up.
#pragma once

#include <string>

#include "tests/kernel/probes.h"

namespace ghostport::kernel_test {

void FindNftPorts(const std::string& ruleset_text, NamedPorts& ports);

}  // namespace ghostport::kernel_test
