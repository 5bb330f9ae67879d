#include "rules/exposure.h"

#include <algorithm>

#include "rules/pipeline.h"

namespace ghostport::rules {

Exposure ComputeExposure(const Ruleset& ruleset) {
  Exposure out;
  out.ruleset = &ruleset;
  out.interfaces = InterfaceSpace::FromRuleset(ruleset);
  std::vector<Family> families = CoveredFamilies(ruleset);
  if (families.empty()) out.errors = FindJumpLoops(ruleset);  // otherwise the compile finds them
  std::vector<std::string> profiles = Profiles(ruleset);
  if (profiles.empty()) profiles.emplace_back();
  for (Family f : families) {
    for (const std::string& profile : profiles) {
      CompiledRuleset compiled = Compile(ruleset, f, out.interfaces, profile);
      if (!compiled.errors.empty()) {
        out.errors = std::move(compiled.errors);
        return out;
      }
      for (auto& a : compiled.approximations) {
        if (std::find(out.approximations.begin(), out.approximations.end(), a) == out.approximations.end()) {
          out.approximations.push_back(a);
        }
      }
      EngineNotes notes;
      std::vector<Box> region(1);
      region[0].fields = WholeSpace(f, out.interfaces);
      // Windows Firewall does not filter loopback traffic: a Windows scope is
      // what arrives from the network.
      if (!profile.empty()) region[0].fields.iif = region[0].fields.iif.Subtract(out.interfaces.Loopback());
      WalkResult r = WalkConnection(compiled, std::move(region), WalkOptions{}, notes);
      for (auto& a : notes.approximations) {
        if (std::find(out.approximations.begin(), out.approximations.end(), a) == out.approximations.end()) {
          out.approximations.push_back(std::move(a));
        }
      }
      if (!notes.errors.empty()) {
        out.errors = std::move(notes.errors);
        return out;
      }
      out.families.push_back(FamilyExposure{f, Scope{f, profile}, std::move(r.accepted)});
    }
  }
  return out;
}

}  // namespace ghostport::rules
