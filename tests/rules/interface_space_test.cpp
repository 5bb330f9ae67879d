// InterfaceSpace: atoms, and describing a set of atoms as the user wrote it.
#include <boost/test/unit_test.hpp>

#include "rules/interface_space.h"
#include "tests/rules/model_builder.h"

using namespace ghostport::rules;
using namespace ghostport::rules::testing;

namespace {

// A ruleset naming eth+, eth0, eth0.100 and wg0 on INPUT.
InterfaceSpace Space() {
  Builder b;
  b.BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop);
  for (const char* name : {"eth+", "eth0", "eth0.100", "wg0"}) {
    RuleSpec s;
    s.iif = name;
    b.Add("INPUT", s);
  }
  return InterfaceSpace::FromRuleset(b.Build());
}

InterfaceMatch Match(const std::string& name, bool negated = false) {
  InterfaceMatch m;
  bool prefix = !name.empty() && name.back() == '+';
  m.names.push_back(InterfaceName{prefix ? name.substr(0, name.size() - 1) : name, prefix});
  m.negated = negated;
  return m;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " | ") + s;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(interface_space)

BOOST_AUTO_TEST_CASE(a_prefix_prints_as_written_not_split_into_its_atoms) {
  InterfaceSpace s = Space();
  BOOST_TEST(Join(s.Describe(s.Matching(Match("eth+")))) == "eth+");
  BOOST_TEST(Join(s.Describe(s.Matching(Match("eth0")))) == "eth0");
  BOOST_TEST(Join(s.Describe(s.Matching(Match("eth+")).Union(s.Matching(Match("wg0"))))) == "eth+ | wg0");
}

BOOST_AUTO_TEST_CASE(a_prefix_with_a_hole_names_the_exception) {
  InterfaceSpace s = Space();
  AtomSet eth_but_eth0 = s.Matching(Match("eth+")).Subtract(s.Matching(Match("eth0")));
  BOOST_TEST(Join(s.Describe(eth_but_eth0)) == "eth+ except eth0");
  // Atoms under a prefix the set does not hold as a whole print one by one.
  AtomSet exact = s.Matching(Match("eth0")).Union(s.Matching(Match("eth0.100")));
  BOOST_TEST(Join(s.Describe(exact)) == "eth0 | eth0.100");
}

BOOST_AUTO_TEST_CASE(negations_print_as_written) {
  InterfaceSpace s = Space();
  BOOST_TEST(Join(s.Describe(s.Matching(Match("eth+", true)))) == "!eth+");
  BOOST_TEST(Join(s.Describe(s.Matching(Match("lo", true)))) == "!lo");
  BOOST_TEST(Join(s.Describe(s.All())) == "any");
  BOOST_TEST(Join(s.Describe(s.NoInterface())) == "none");
}

BOOST_AUTO_TEST_SUITE_END()
