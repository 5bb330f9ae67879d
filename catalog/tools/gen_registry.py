#!/usr/bin/env python3
"""Generate catalog/generated/registry_data.inc from IANA's port registry.

Reads IANA's "Service Name and Transport Protocol Port Number Registry" in
its XML form (default) or its CSV form (--csv) and writes a C++ fragment of
constant-initialised tables that catalog/registry.cpp includes, plus
catalog/generated/SOURCE.md describing the input. Standard library only;
the output is deterministic (same input, same bytes).

Newer input: https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml
"""

import argparse
import csv
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cxx_emit import CxxString, Rows  # noqa: E402

NS = '{http://www.iana.org/assignments}'
HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.dirname(HERE)
DEFAULT_XML = os.path.normpath(os.path.join(
    CATALOG, '..', '..', 'shared', 'catalog-sources', 'iana',
    'service-names-port-numbers.xml'))
DOWNLOAD_XML = ('https://www.iana.org/assignments/service-names-port-numbers/'
                'service-names-port-numbers.xml')
DOWNLOAD_CSV = ('https://www.iana.org/assignments/service-names-port-numbers/'
                'service-names-port-numbers.csv')

# Transport codes shared with catalog/registry.h (0 = the record names no
# transport: it applies to every transport, e.g. Unassigned ranges).
TRANSPORT_CODE = {'': 0, 'tcp': 1, 'udp': 2, 'sctp': 3, 'dccp': 4}
TRANSPORTS = (1, 2, 3, 4)

# Record kinds and port statuses shared with catalog/registry.h.
KIND_SERVICE, KIND_RESERVED, KIND_UNASSIGNED = 0, 1, 2
STATUS_UNASSIGNED, STATUS_RESERVED, STATUS_ASSIGNED, STATUS_DYNAMIC = 0, 1, 2, 3
# When several records cover one (port, transport), the strongest wins.
STATUS_OF_KIND = {KIND_SERVICE: STATUS_ASSIGNED, KIND_RESERVED: STATUS_RESERVED,
                  KIND_UNASSIGNED: STATUS_UNASSIGNED}
STATUS_RANK = {STATUS_UNASSIGNED: 0, STATUS_RESERVED: 1, STATUS_ASSIGNED: 2}

# An unnamed record is classified by its description (lower-cased prefix);
# anything not listed (Unassigned, De-registered, Removed, Deprecated, ...)
# holds nothing and counts as unassigned.
UNNAMED_KIND_BY_PREFIX = (
    ('reserved', KIND_RESERVED),      # "Reserved", "Reserved - IANA"
    ('any private', KIND_RESERVED),   # RFC 1700 "any private mail system", ...
)

DYNAMIC_FIRST = 49152
FLAG_HAS_PORT = 1
FLAG_ASSIGNEE_FROM_CONTACT = 2


def Fail(message):
    print('gen_registry: error: ' + message, file=sys.stderr)
    sys.exit(1)


def CollapseSpaces(text):
    return re.sub(r'[ \t\r\n]+', ' ', text)


def KindOf(name, description):
    if name:
        return KIND_SERVICE
    lowered = description.lower()
    for prefix, kind in UNNAMED_KIND_BY_PREFIX:
        if lowered.startswith(prefix):
            return kind
    return KIND_UNASSIGNED


def ParsePorts(text):
    text = text.strip()
    if not text:
        return None
    low, _, high = text.partition('-')
    low, high = int(low), int(high or low)
    if not 0 <= low <= high <= 65535:
        Fail('bad port number %r' % text)
    return low, high


class Record:
    __slots__ = ('name', 'ports', 'transport', 'description', 'assignees',
                 'contacts', 'assignee_from_contact', 'registered', 'modified',
                 'references', 'service_code', 'unauthorized', 'note',
                 'source_index', 'kind', 'row')


# ---------------------------------------------------------------- XML reader

class XmlReader:
    def __init__(self, path):
        self.root = ET.parse(path).getroot()
        self.people = []      # (id, name, org, uri, updated) in file order
        self.person_name = {}
        self.footnotes = {}
        for person in self.root.iter(NS + 'person'):
            pid = person.get('id')
            fields = [pid] + [CollapseSpaces(person.findtext(NS + tag) or '').strip()
                              for tag in ('name', 'org', 'uri', 'updated')]
            self.people.append(tuple(fields))
            self.person_name[pid] = fields[1] or fields[2] or pid
        for footnote in self.root.iter(NS + 'footnote'):
            self.footnotes[footnote.get('anchor')] = CollapseSpaces(
                ''.join(footnote.itertext())).strip()
        self.updated = (self.root.findtext(NS + 'updated') or '').strip()

    def XrefText(self, xref):
        """An xref as the CSV form writes it, without brackets."""
        kind, data = xref.get('type'), xref.get('data') or ''
        text = CollapseSpaces(''.join(xref.itertext())).strip()
        if text:
            return text
        if kind == 'rfc':
            label = data.upper()
            if xref.get('section'):
                label += ', Section ' + xref.get('section')
            return label
        if kind == 'draft' and xref.get('section'):
            return data + ', Section ' + xref.get('section')
        return data

    def InlineText(self, element):
        """Text of a description or note: <br/> ends a line, <paragraph>
        a paragraph, person xrefs become the person's name, others [ref]."""
        parts = [element.text or '']
        for child in element:
            tag = child.tag.replace(NS, '')
            if tag == 'br':
                parts.append('\n')
            elif tag == 'paragraph':
                parts.append('\n\n' + self.InlineText(child) + '\n\n')
            elif tag == 'xref' and child.get('type') == 'person':
                parts.append(self.person_name.get(child.get('data'), child.get('data')))
            elif tag == 'xref':
                parts.append('[' + self.XrefText(child) + ']')
            else:
                parts.append(''.join(child.itertext()))
            parts.append(child.tail or '')
        text = ''.join(parts)
        paragraphs = [p for p in re.split(r'\n\s*\n', text)]
        cleaned = []
        for paragraph in paragraphs:
            lines = [CollapseSpaces(line).strip() for line in paragraph.split('\n')]
            line_text = '\n'.join(line for line in lines if line)
            if line_text:
                cleaned.append(line_text)
        return '\n\n'.join(cleaned)

    def Records(self):
        records = []
        for index, element in enumerate(self.root.iter(NS + 'record')):
            record = Record()
            record.source_index = index
            record.name = (element.findtext(NS + 'name') or '').strip()
            record.ports = ParsePorts(element.findtext(NS + 'number') or '')
            transport = (element.findtext(NS + 'protocol') or '').strip().lower()
            if transport not in TRANSPORT_CODE:
                Fail('record %d: unknown protocol %r' % (index, transport))
            record.transport = transport
            description = element.find(NS + 'description')
            record.description = self.InlineText(description) if description is not None else ''
            assignee = element.find(NS + 'assignee')
            record.assignees = [x.get('data') for x in
                                (assignee.iter(NS + 'xref') if assignee is not None else [])
                                if x.get('type') == 'person']
            record.contacts = [x.get('data') for x in element.findall(NS + 'xref')
                               if x.get('type') == 'person']
            # IANA's CSV form fills Assignee from Contact when the XML record
            # names no <assignee>; so do we, flagged.
            record.assignee_from_contact = not record.assignees and bool(record.contacts)
            if record.assignee_from_contact:
                record.assignees = list(record.contacts)
            record.registered = element.get('date') or ''
            record.modified = element.get('updated') or ''
            references, footnotes = [], []
            for xref in element.findall(NS + 'xref'):
                if xref.get('type') == 'person':
                    continue
                references.append('[' + self.XrefText(xref) + ']')
                if xref.get('type') == 'note' and xref.get('data') in self.footnotes:
                    footnotes.append('[%s] %s' % (xref.get('data'),
                                                  self.footnotes[xref.get('data')]))
            record.references = ''.join(references)
            record.service_code = (element.findtext(NS + 'sc') or '').strip()
            unauthorized = element.find(NS + 'unauthorized')
            record.unauthorized = self.InlineText(unauthorized) if unauthorized is not None else ''
            note = element.find(NS + 'note')
            notes = [self.InlineText(note)] if note is not None else []
            record.note = '\n\n'.join([n for n in notes + footnotes if n])
            records.append(record)
        return records


# ---------------------------------------------------------------- CSV reader

class CsvReader:
    COLUMNS = ['Service Name', 'Port Number', 'Transport Protocol', 'Description',
               'Assignee', 'Contact', 'Registration Date', 'Modification Date',
               'Reference', 'Service Code', 'Unauthorized Use Reported',
               'Assignment Notes']

    def __init__(self, path):
        with open(path, newline='', encoding='utf-8') as handle:
            self.rows = list(csv.reader(handle))
        if not self.rows or self.rows[0] != self.COLUMNS:
            Fail('%s: unexpected CSV header %r' % (path, self.rows[0] if self.rows else None))
        self.people = []
        self.updated = ''

    @staticmethod
    def PersonIds(text):
        return re.findall(r'\[([^\]]+)\]', text)

    def Records(self):
        records, seen = [], set()
        for index, row in enumerate(self.rows[1:]):
            if len(row) != 12:
                Fail('CSV row %d has %d columns' % (index + 2, len(row)))
            record = Record()
            record.source_index = index
            record.name = row[0].strip()
            record.ports = ParsePorts(row[1])
            record.transport = row[2].strip().lower()
            if record.transport not in TRANSPORT_CODE:
                Fail('CSV row %d: unknown protocol %r' % (index + 2, row[2]))
            record.description = row[3].strip()
            record.assignees = self.PersonIds(row[4])
            record.contacts = self.PersonIds(row[5])
            record.assignee_from_contact = False
            record.registered, record.modified = row[6].strip(), row[7].strip()
            record.references = row[8].strip()
            record.service_code = row[9].strip()
            record.unauthorized = row[10].strip()
            record.note = row[11].strip()
            for pid in record.assignees + record.contacts:
                if pid not in seen:
                    seen.add(pid)
                    self.people.append((pid, '', '', '', ''))
            records.append(record)
        self.updated = max((d for r in records for d in (r.registered, r.modified) if d),
                           default='')
        return records


# ---------------------------------------------------------------- tables

class StringTable:
    def __init__(self):
        self.ids = {'': 0}
        self.strings = ['']

    def Id(self, text):
        if text not in self.ids:
            self.ids[text] = len(self.strings)
            self.strings.append(text)
        return self.ids[text]


def SortKey(record):
    # Records with ports first, by (first port, last port, transport), file
    # order breaking ties; service-name-only records after them.
    if record.ports is None:
        return (1, 0, 0, 0, record.source_index)
    return (0, record.ports[0], record.ports[1], TRANSPORT_CODE[record.transport],
            record.source_index)


def BuildSegments(records):
    """Per transport: disjoint port intervals covering 0-65535, each with its
    status and the record slice covering it. A covering set that is not
    contiguous in the sorted record array is copied to the array's tail."""
    duplicates = []        # record positions copied after the canonical ones
    segments = {}
    for transport in TRANSPORTS:
        events = {}
        for position, record in enumerate(records):
            if record.ports is None:
                continue
            if TRANSPORT_CODE[record.transport] not in (0, transport):
                continue
            low, high = record.ports
            events.setdefault(low, []).append((1, position))
            events.setdefault(high + 1, []).append((-1, position))
        active, cuts = set(), sorted(set(list(events) + [0, DYNAMIC_FIRST]))
        rows = []
        for index, cut in enumerate(cuts):
            if cut > 65535:
                break
            for delta, position in events.get(cut, []):
                if delta > 0:
                    active.add(position)
                else:
                    active.discard(position)
            end = (cuts[index + 1] - 1) if index + 1 < len(cuts) else 65535
            end = min(end, 65535)
            covering = sorted(active)
            if covering:
                status = max((STATUS_OF_KIND[records[p].kind] for p in covering),
                             key=STATUS_RANK.get)
            elif cut >= DYNAMIC_FIRST:
                status = STATUS_DYNAMIC
            else:
                status = STATUS_UNASSIGNED
            if covering and covering[-1] - covering[0] + 1 == len(covering):
                first = covering[0]
            elif covering:
                first = len(records) + len(duplicates)
                duplicates.extend(covering)
            else:
                first = 0
            if len(covering) > 255:
                Fail('more than 255 records cover port %d' % cut)
            if rows and rows[-1][2:] == (status, first, len(covering)) and covering == []:
                rows[-1] = (rows[-1][0], end) + rows[-1][2:]
                continue
            rows.append((cut, end, status, first, len(covering)))
        segments[transport] = rows
    return segments, duplicates


def Generate(source_path, reader, output_dir, source_label):
    records = reader.Records()
    for record in records:
        record.kind = KindOf(record.name, record.description)
    records.sort(key=SortKey)
    people = reader.people
    person_index = {person[0]: index for index, person in enumerate(people)}
    if len(people) >= 0xFFFF or len(records) >= 0xFFFF:
        Fail('tables outgrew 16-bit indices; widen them in registry.h')

    strings = StringTable()
    person_rows = []
    for pid, name, org, uri, updated in people:
        person_rows.append('{%d, %d, %d, %d, %d}' % (
            strings.Id(pid), strings.Id(name), strings.Id(org), strings.Id(uri),
            strings.Id(updated)))
    person_refs = []
    record_rows = []
    for record in records:
        first = len(person_refs)
        for pid in record.assignees + record.contacts:
            if pid not in person_index:
                Fail('record %d names unknown person %r' % (record.source_index, pid))
            person_refs.append(person_index[pid])
        if len(record.assignees) > 255 or len(record.contacts) > 255:
            Fail('too many people on record %d' % record.source_index)
        low, high = record.ports if record.ports else (0, 0)
        flags = (FLAG_HAS_PORT if record.ports else 0) | (
            FLAG_ASSIGNEE_FROM_CONTACT if record.assignee_from_contact else 0)
        record.row = (strings.Id(record.name), strings.Id(record.description),
                      strings.Id(record.note), strings.Id(record.unauthorized),
                      strings.Id(record.references), strings.Id(record.registered),
                      strings.Id(record.modified), strings.Id(record.service_code),
                      first, record.source_index, low, high,
                      TRANSPORT_CODE[record.transport], record.kind,
                      len(record.assignees), len(record.contacts), flags)
    segments, duplicates = BuildSegments(records)
    if len(strings.strings) + 3 >= 0xFFFF:
        Fail('%d distinct strings outgrew 16-bit string ids; widen StringId in registry.h'
             % len(strings.strings))
    for record in records:
        record_rows.append('{%s}' % ', '.join(str(v) for v in record.row))
    for position in duplicates:
        record_rows.append('{%s}' % ', '.join(str(v) for v in records[position].row))

    by_name = sorted((position for position, record in enumerate(records) if record.name),
                     key=lambda p: (records[p].name.lower(), p))

    with open(source_path, 'rb') as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    source_file = strings.Id(source_label)
    source_updated = strings.Id(reader.updated)
    source_sha = strings.Id(digest)

    blob, offsets = bytearray(), []
    for text in strings.strings:
        offsets.append(len(blob))
        blob += text.encode('utf-8')
    offsets.append(len(blob))

    chunks, current = [], bytearray()
    for text in strings.strings[1:]:
        current += text.encode('utf-8')
        if len(current) > 96:
            chunks.append(CxxString(current))
            current = bytearray()
    if current:
        chunks.append(CxxString(current))

    segment_begin, segment_rows = [], []
    for transport in TRANSPORTS:
        segment_begin.append(len(segment_rows))
        segment_rows.extend('{%d, %d, %d, %d, %d}' % (low, high, status, count, first)
                            for low, high, status, first, count in segments[transport])
    segment_begin.append(len(segment_rows))

    out = []
    out.append('// Generated by catalog/tools/gen_registry.py from %s' % source_label)
    out.append('// (updated %s, sha256 %s). Do not edit; rerun the generator.' % (
        reader.updated, digest))
    out.append('// Included by catalog/registry.cpp inside namespace ghostport::catalog::data.')
    out.append('')
    out.append('constexpr std::uint32_t kRecordCount = %d;' % len(records))
    out.append('constexpr std::uint32_t kPeopleCount = %d;' % len(people))
    out.append('constexpr std::uint32_t kSourceFile = %d;' % source_file)
    out.append('constexpr std::uint32_t kSourceUpdated = %d;' % source_updated)
    out.append('constexpr std::uint32_t kSourceSha256 = %d;' % source_sha)
    out.append('')
    out.append('constexpr char kStrings[%d] =' % (len(blob) + 1))
    out.append('\n'.join('    ' + chunk for chunk in chunks) + ';')
    out.append('')
    out.append('constexpr std::uint32_t kStringOffsets[%d] = {' % len(offsets))
    out.append(Rows([str(o) for o in offsets], 12))
    out.append('};')
    out.append('')
    out.append('// {id, name, org, uri, updated} as string ids')
    out.append('constexpr Person kPeople[%d] = {' % max(1, len(person_rows)))
    out.append(Rows(person_rows or ['{}'], 4))
    out.append('};')
    out.append('')
    out.append('// Per record: assignee person indices, then contact person indices.')
    out.append('constexpr std::uint16_t kPersonRefs[%d] = {' % max(1, len(person_refs)))
    out.append(Rows([str(r) for r in person_refs] or ['0'], 16))
    out.append('};')
    out.append('')
    out.append('// {name, description, note, unauthorized, references, registered, modified,')
    out.append('//  service_code, people_first, source_index, port_low, port_high, transport,')
    out.append('//  kind, assignee_count, contact_count, flags}; the first kRecordCount are')
    out.append('// the registry, the rest are copies that keep each port\'s records contiguous.')
    out.append('constexpr RegistryRecord kRecords[%d] = {' % len(record_rows))
    out.append(Rows(record_rows, 1))
    out.append('};')
    out.append('')
    out.append('// Named records sorted by lower-cased name.')
    out.append('constexpr std::uint16_t kByName[%d] = {' % len(by_name))
    out.append(Rows([str(p) for p in by_name], 16))
    out.append('};')
    out.append('')
    out.append('// {first port, last port, status, record count, first record} per transport')
    out.append('constexpr Segment kSegments[%d] = {' % len(segment_rows))
    out.append(Rows(segment_rows, 4))
    out.append('};')
    out.append('constexpr std::uint32_t kSegmentBegin[%d] = {%s};' % (
        len(segment_begin), ', '.join(str(b) for b in segment_begin)))
    text = '\n'.join(out) + '\n'

    os.makedirs(output_dir, exist_ok=True)
    inc_path = os.path.join(output_dir, 'registry_data.inc')
    with open(inc_path, 'w', encoding='ascii', newline='\n') as handle:
        handle.write(text)

    counts = {}
    for record in records:
        counts[record.transport or '(none)'] = counts.get(record.transport or '(none)', 0) + 1
    source_md = []
    source_md.append('# Generated registry data: provenance')
    source_md.append('')
    source_md.append('`registry_data.inc` is generated; do not edit it by hand.')
    source_md.append('')
    source_md.append('| | |')
    source_md.append('| --- | --- |')
    source_md.append('| input | `%s` (%s form) |' % (source_label, 'CSV' if isinstance(reader, CsvReader) else 'XML'))
    if isinstance(reader, CsvReader):
        source_md.append('| newest record date (the CSV has no `<updated>`) | %s |'
                         % (reader.updated or 'n/a'))
    else:
        source_md.append('| registry `<updated>` | %s |' % (reader.updated or 'n/a'))
    source_md.append('| sha256 | `%s` |' % digest)
    source_md.append('| input size | %d bytes |' % os.path.getsize(source_path))
    source_md.append('| records | %d (%s) |' % (len(records), ', '.join(
        '%s %d' % (k, counts[k]) for k in sorted(counts))))
    source_md.append('| people | %d |' % len(people))
    source_md.append('| distinct strings | %d (%d bytes) |' % (len(strings.strings), len(blob)))
    source_md.append('| generated file | %d bytes |' % len(text.encode('ascii')))
    source_md.append('')
    source_md.append('## Rerun')
    source_md.append('')
    source_md.append('Download a newer registry from IANA:')
    source_md.append('')
    source_md.append('    curl -O %s' % DOWNLOAD_XML)
    source_md.append('')
    source_md.append('(or the CSV form, %s, which has no people registry: persons stay'
                     ' unresolved ids). Then, from the repository root:' % DOWNLOAD_CSV)
    source_md.append('')
    source_md.append('    python3 catalog/tools/gen_registry.py --xml service-names-port-numbers.xml')
    source_md.append('    python3 catalog/tools/gen_registry.py --csv service-names-port-numbers.csv')
    source_md.append('')
    source_md.append('or `cmake --build BUILD --target catalog-generate` (uses the default input,'
                     ' overridable with `-DGHOSTPORT_IANA_XML=...`). Rebuild, run the catalog'
                     ' tests, review the diff, commit both files.')
    # gen_usage.py owns everything from its marker on: keep it.
    source_path_md = os.path.join(output_dir, 'SOURCE.md')
    kept = ''
    if os.path.exists(source_path_md):
        with open(source_path_md, encoding='utf-8') as handle:
            existing = handle.read()
        at = existing.find(USAGE_MARKER)
        if at >= 0:
            kept = '\n' + existing[at:]
    with open(source_path_md, 'w', encoding='utf-8', newline='\n') as handle:
        handle.write('\n'.join(source_md) + '\n' + kept)
    print('gen_registry: %d records, %d people, %d strings, %d bytes -> %s' % (
        len(records), len(people), len(strings.strings), len(text), inc_path))


USAGE_MARKER = '<!-- Everything below is written by catalog/tools/gen_usage.py. -->'


def Main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--xml', help='IANA XML registry (default: %(default)s)')
    group.add_argument('--csv', help='IANA CSV registry instead of the XML')
    parser.add_argument('--output-dir', default=os.path.join(CATALOG, 'generated'))
    parser.add_argument('--label', help='input name written into the output'
                        ' (default: the path relative to the repository\'s parent)')
    args = parser.parse_args()
    path = args.csv or args.xml or DEFAULT_XML
    if not os.path.isfile(path):
        Fail('cannot read %s' % path)
    label = args.label
    if not label:
        parent = os.path.dirname(os.path.dirname(CATALOG))
        absolute = os.path.abspath(path)
        label = os.path.relpath(absolute, parent) if absolute.startswith(parent + os.sep) \
            else os.path.basename(path)
    reader = CsvReader(path) if args.csv else XmlReader(path)
    Generate(path, reader, args.output_dir, label)


if __name__ == '__main__':
    Main()
