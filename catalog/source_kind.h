// How much a curated entry's sources can bear: a primary source (the vendor,
// the registrant, a standard, a patent, the press, an archived vendor page)
// or only secondary ones — an encyclopedia, its mirrors, an aggregator, or a
// port-reference page that merely describes the port. An entry resting on
// secondary sources alone is shown with low confidence, whatever
// knowledge/dead.toml says, until it gets a primary source.
#pragma once

#include <string_view>

#include "catalog/knowledge.h"

namespace ghostport::catalog {

// The domains counted as secondary (and their subdomains).
inline constexpr std::string_view kSecondaryDomains[] = {
    "wikipedia.org",   "wikimili.com",       "findatwiki.com", "cryer.org.uk",
    "wikide.org",      "en-academic.com",    "wikiwand.com",   "everything2.com",
    "itvdictionary.com", "computer-dictionary-online.org", "connected.app", "speedguide.net",
    "adminsub.net",    "tickerdossier.com",
};

// Whether `url`'s host is one of kSecondaryDomains.
bool IsSecondarySource(std::string_view url);

// Whether every source of `d` is secondary.
bool RestsOnSecondarySources(const DeadRecord& d);

// `d`'s confidence as shown: "low" when it rests on secondary sources only,
// its curated confidence otherwise.
std::string_view EffectiveConfidence(const DeadRecord& d);

}  // namespace ghostport::catalog
