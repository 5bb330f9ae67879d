#include "parsers/ipset/ipset_nomatch.h"

#include <algorithm>

namespace ghostport::parsers {

namespace {

using Component = rules::SetElement::Component;

// A range element's net becomes the prefixes covering it, as ipset stores it.
void ExpandRanges(const IpsetRawElement& e, rules::Family family, const std::vector<std::size_t>& nets,
                  std::size_t k, std::vector<IpsetRawElement>& out) {
  if (k == nets.size()) {
    out.push_back(e);
    return;
  }
  if (e.prefixes[k] >= 0) return ExpandRanges(e, family, nets, k + 1, out);
  const Component& c = e.element.key[nets[k]];
  for (const rules::Cidr& cidr :
       rules::MinimalCidrCover(family, rules::IntervalSet<rules::u128>::Range(c.range.lo, c.range.hi))) {
    IpsetRawElement piece = e;
    piece.element.key[nets[k]].range = {cidr.First(), cidr.Last()};
    piece.prefixes[k] = cidr.prefix;
    ExpandRanges(piece, family, nets, k + 1, out);
  }
}

bool Overlaps(const rules::SetElement& a, const rules::SetElement& b) {
  for (std::size_t i = 0; i < a.key.size(); ++i) {
    const Component& x = a.key[i];
    const Component& y = b.key[i];
    if (x.name || y.name) {
      if (x.name != y.name) return false;
    } else if (x.range.hi < y.range.lo || y.range.hi < x.range.lo) {
      return false;
    }
  }
  return true;
}

// a minus b, as products of ranges: at most two pieces per range component.
void Subtract(const rules::SetElement& a, const rules::SetElement& b, std::vector<rules::SetElement>& out) {
  if (!Overlaps(a, b)) {
    out.push_back(a);
    return;
  }
  rules::SetElement rest = a;
  for (std::size_t i = 0; i < a.key.size(); ++i) {
    if (a.key[i].name) continue;  // equal names: the whole of it is covered
    rules::Interval<rules::u128>& r = rest.key[i].range;
    const rules::Interval<rules::u128>& cut = b.key[i].range;
    if (r.lo < cut.lo) {
      rules::SetElement below = rest;
      below.key[i].range = {r.lo, cut.lo - 1};
      out.push_back(std::move(below));
    }
    if (r.hi > cut.hi) {
      rules::SetElement above = rest;
      above.key[i].range = {cut.hi + 1, r.hi};
      out.push_back(std::move(above));
    }
    r = {std::max(r.lo, cut.lo), std::min(r.hi, cut.hi)};
  }
}

}  // namespace

std::vector<rules::SetElement> CarveNomatch(const std::vector<IpsetRawElement>& raw, rules::Family family,
                                            const std::vector<std::size_t>& nets) {
  std::vector<IpsetRawElement> elements;
  for (const IpsetRawElement& e : raw) ExpandRanges(e, family, nets, 0, elements);
  std::vector<const IpsetRawElement*> exceptions;
  for (const IpsetRawElement& e : elements) {
    if (e.nomatch) exceptions.push_back(&e);
  }
  std::vector<rules::SetElement> members;
  for (const IpsetRawElement& e : elements) {
    if (e.nomatch) continue;
    std::vector<rules::SetElement> pieces = {e.element};
    for (const IpsetRawElement* n : exceptions) {
      // Only a more specific exception decides before e does.
      if (!std::lexicographical_compare(e.prefixes.begin(), e.prefixes.end(), n->prefixes.begin(),
                                        n->prefixes.end())) {
        continue;
      }
      if (!Overlaps(e.element, n->element)) continue;
      std::vector<rules::SetElement> next;
      for (const rules::SetElement& p : pieces) Subtract(p, n->element, next);
      pieces = std::move(next);
      if (pieces.empty()) break;
    }
    members.insert(members.end(), pieces.begin(), pieces.end());
  }
  return members;
}

}  // namespace ghostport::parsers
