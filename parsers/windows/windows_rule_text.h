// How reports show a Windows rule, whatever export it came from: one line
// in the vocabulary of `netsh advfirewall firewall add rule` (name=, dir=,
// action=, protocol=, localport=, remoteip=, profile=, program=, service=,
// edge=, ...), fields in a fixed order and values normalised, so the same
// rule read from netsh, PowerShell or the registry reads the same and gives
// the same findings.
#pragma once

#include <string>
#include <string_view>

#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

std::string CanonicalRuleText(const WindowsRule& rule);

// The display name in a CanonicalRuleText (`name=` comes first, quoted when
// it holds spaces); empty when `text` is no such text.
std::string DisplayNameInRuleText(std::string_view text);

// The program, service and app package a rule is scoped to ("program
// %SystemRoot%\system32\svchost.exe, service RpcSs"); empty for any.
std::string ApplicationOf(const WindowsRule& rule);

// "80,443,5000-5020,RPC"; "any" when empty.
std::string FormatPorts(const PortList& ports);
// "10.0.0.0/16,192.0.2.1,LocalSubnet"; "any" when empty.
std::string FormatAddresses(const AddressList& addresses);

}  // namespace ghostport::parsers::windows
