#!/usr/bin/env python3
"""Generate catalog/generated/usage_data.inc: what is known to use ports.

Reads four lists and writes a C++ fragment of constant-initialised tables
that catalog/usage.cpp includes, plus a usage_data.inc section at the end of
catalog/generated/SOURCE.md (the registry's text above it is kept):

  --unofficial     unofficial port uses (port or lo-hi, transport, software, source)
  --trojans        malware associations (port, transport, names, source, note)
  --nmap-services  nmap's nmap-services: open frequencies (kept when > 0)
  --services       Debian's /etc/services (package netbase)

Every row of every input is kept or the generator stops: a malformed row, a
port or transport out of range, or a source this script does not describe
(FixedSources below) is an error naming file:line. The only lines left out on
purpose are /etc/services entries on AppleTalk's ddp, which is not an IP
transport; SOURCE.md counts them. Standard library only; the output is
deterministic (same inputs and versions, same bytes).
"""

import argparse
import decimal
import gzip
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cxx_emit import CxxString, Rows  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.dirname(HERE)
REPO_PARENT = os.path.dirname(os.path.dirname(CATALOG))
SHARED_SOURCES = os.path.join(REPO_PARENT, 'shared', 'catalog-sources')
DEFAULT_UNOFFICIAL = os.path.join(SHARED_SOURCES, 'unofficial-uses.tsv')
DEFAULT_TROJANS = os.path.join(SHARED_SOURCES, 'trojan-ports.tsv')
DEFAULT_NMAP_SERVICES = '/usr/share/nmap/nmap-services'
DEFAULT_SERVICES = '/etc/services'
NETBASE_CHANGELOG = '/usr/share/doc/netbase/changelog.gz'

# Transports as catalog/registry.h spells them.
TRANSPORTS = ('tcp', 'udp', 'sctp', 'dccp')
CXX_TRANSPORT = {'tcp': 'Transport::kTcp', 'udp': 'Transport::kUdp',
                 'sctp': 'Transport::kSctp', 'dccp': 'Transport::kDccp'}
NMAP_TRANSPORTS = ('tcp', 'udp', 'sctp')
# /etc/services lines on these transports are left out (counted in SOURCE.md);
# any other unknown transport is an error.
SERVICES_SKIPPED_TRANSPORTS = {'ddp': 'AppleTalk Datagram Delivery Protocol, not an IP transport'}

WEIGHT_CXX = {'evidence': 'SourceWeight::kEvidence', 'indication': 'SourceWeight::kIndication',
              'note': 'SourceWeight::kNote'}

MARKER = '<!-- Everything below is written by catalog/tools/gen_usage.py. -->'


class Source:
    """One list the tables come from. `match` is the input's source column
    exactly, or (parts=True) its prefix followed by a space and the part of
    the source the row comes from (a Snort rules file)."""

    def __init__(self, key, input_name, match, parts, id, title, location, as_of, weight,
                 weight_reason):
        self.key, self.input_name, self.match, self.parts = key, input_name, match, parts
        self.id, self.title, self.location, self.as_of = id, title, location, as_of
        self.weight, self.weight_reason = weight, weight_reason
        self.rows = 0


WIKIPEDIA_MATCH = ('Wikipedia "List of TCP and UDP port numbers" rev 1338759312 (2026-02-17), '
                   'parsed in github acidvegas/portmap@fe8dadc0ea8c ports.ndjson')
OKM_MATCH = ('Oracle Key Manager 3 docs, TCP/IP Connections and the KMA '
             '(docs.oracle.com/en/storage/storage-software/oracle-key-manager/'
             '_oracle-key-manager-3/okmsc/tcp-ip-connections-and-kma.html)')
OPENVAS_MATCH = ('OpenVAS NASL trojan_horses.nasl rev 12057 (2018-10-24), list compiled from '
                 'SANS oddports, simovits.com trojans list, bekkoame port list; github '
                 'mageni/mageni@3f7d1b43 src/backend/scanner/plugins/pre2008/trojan_horses.nasl')
SNORT_MATCH = ('Snort rules (VRT/community, 2005-2018 era) github '
               'EmreOvunc/Snort-IPS-IDS@9fb02294')
NMAP_TROJAN_MATCH = ('nmap-services (Nmap 7.93, $Id 38442 2022-08-31) from Debian package '
                     'nmap-common 7.93+dfsg1-1')


def FixedSources():
    """The sources of the two TSV files (described in shared/catalog-sources/
    SOURCES.md). A newer TSV with another source column needs an entry here."""
    return [
        Source('wikipedia', 'unofficial', WIKIPEDIA_MATCH, False,
               'wikipedia-ports-2026-02-17',
               'Wikipedia "List of TCP and UDP port numbers", revision 1338759312: '
               'every use marked Unofficial',
               'https://en.wikipedia.org/w/index.php?title=List_of_TCP_and_UDP_port_numbers'
               '&oldid=1338759312 (parsed by github acidvegas/portmap@'
               'fe8dadc0ea8c66224dcd9f62cc146b7c4af5a7ca ports.ndjson)',
               '2026-02-17', 'indication',
               'A community-maintained list, edited continually and sourced unevenly: '
               'a use listed there is likely, not proven.'),
        Source('okm', 'unofficial', OKM_MATCH, False,
               'oracle-okm3-kma-ports',
               'Oracle Key Manager 3 documentation: TCP/IP Connections and the KMA',
               'https://docs.oracle.com/en/storage/storage-software/oracle-key-manager/'
               '_oracle-key-manager-3/okmsc/tcp-ip-connections-and-kma.html',
               # The page carries no date; this is the day it was read.
               '2026-11-22', 'evidence',
               'The vendor documents that its Key Management Appliance listens on these '
               'ports (the page is undated; as_of is the day it was read).'),
        Source('openvas', 'trojans', OPENVAS_MATCH, False,
               'openvas-trojan-horses-2018-10-24',
               'OpenVAS NASL plugin trojan_horses.nasl (rev 12057), its trojanlist',
               'github mageni/mageni@3f7d1b43212c80565989d8aa614ac0aef39b819d '
               'src/backend/scanner/plugins/pre2008/trojan_horses.nasl',
               '2018-10-24', 'note',
               'Last edited 2018 and compiled from 1990s-2000s lists (SANS odd ports, '
               'simovits.com, bekkoame) of trojans long gone: a note, not a verdict.'),
        Source('snort', 'trojans', SNORT_MATCH, True,
               'snort-rules-2005-2018',
               'Snort rules (VRT/community) naming a backdoor, trojan or DDoS tool on a '
               'fixed home-side port',
               'github EmreOvunc/Snort-IPS-IDS@9fb022946ff32e563641aa671b41506af14a9ce8 '
               'rules/*.rules',
               '2018', 'note',
               'Detection rules written 2005-2018 for the malware of their day, some for '
               'attacks on ordinary service ports (25, 53, 139, 445): a note, not a verdict.'),
        Source('nmap-trojans', 'trojans', NMAP_TROJAN_MATCH, False,
               'nmap-services-7.93-trojans',
               'nmap-services 7.93 entries named or described as a trojan, backdoor or DDoS tool',
               'Debian package nmap-common 7.93+dfsg1-1, /usr/share/nmap/nmap-services '
               '($Id 38442 2022-08-31)',
               '2022-08-31', 'note',
               'Names nmap keeps for ports 1990s-2000s malware used; the same ports carry '
               'ordinary services today: a note, not a verdict.'),
    ]


def Fail(message):
    print('gen_usage: error: ' + message, file=sys.stderr)
    sys.exit(1)


def Label(path):
    """How an input is named in the output: relative to the repository's
    parent when it lives there (shared/...), else its absolute path."""
    absolute = os.path.abspath(path)
    if absolute.startswith(REPO_PARENT + os.sep):
        return os.path.relpath(absolute, REPO_PARENT)
    return absolute


class Input:
    def __init__(self, path):
        if not os.path.isfile(path):
            Fail('cannot read %s' % path)
        self.path = path
        self.label = Label(path)
        with open(path, 'rb') as handle:
            self.data = handle.read()
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        try:
            self.text = self.data.decode('utf-8')
        except UnicodeDecodeError as error:
            line = self.data[:error.start].count(b'\n') + 1
            Fail('%s:%d: not UTF-8 (%s)' % (path, line, error.reason))
        self.lines = self.text.split('\n')
        if self.lines and self.lines[-1] == '':
            self.lines.pop()
        else:
            Fail('%s:%d: last line has no newline' % (path, len(self.lines)))

    def Error(self, line_number, message):
        Fail('%s:%d: %s' % (self.path, line_number, message))


def ParsePort(source, line_number, text, allow_range):
    match = re.fullmatch(r'(\d{1,5})(?:-(\d{1,5}))?', text)
    if not match or (match.group(2) is not None and not allow_range):
        source.Error(line_number, 'bad port %r (expected %s)' % (
            text, 'N or LOW-HIGH' if allow_range else 'N'))
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) is not None else low
    if low > 65535 or high > 65535:
        source.Error(line_number, 'port %r out of range 0-65535' % text)
    if low > high:
        source.Error(line_number, 'port range %r runs backwards' % text)
    return low, high


def CheckTransport(source, line_number, text, allowed):
    if text not in allowed:
        source.Error(line_number, 'transport %r is not one of %s' % (text, ', '.join(allowed)))
    return text


def Fields(source, line_number, line, count):
    if '\r' in line:
        source.Error(line_number, 'carriage return in line (expected LF line endings)')
    fields = line.split('\t')
    if len(fields) != count:
        source.Error(line_number, 'expected %d tab-separated columns, found %d' % (
            count, len(fields)))
    for field in fields:
        if field != field.strip():
            source.Error(line_number, 'leading or trailing whitespace in %r' % field)
    return fields


def MatchSource(source_input, line_number, text, sources):
    for source in sources:
        if source.input_name != source_input.kind:
            continue
        if not source.parts and text == source.match:
            return source, ''
        if source.parts and text.startswith(source.match + ' ') and \
                len(text) > len(source.match) + 1:
            return source, text[len(source.match) + 1:]
    source_input.Error(line_number, 'unknown source %r (describe it in FixedSources() of '
                       'catalog/tools/gen_usage.py)' % text)


# ---------------------------------------------------------------- readers

class Use:
    __slots__ = ('row', 'low', 'high', 'transport', 'software', 'source')


class Malware:
    __slots__ = ('row', 'port', 'high', 'transport', 'names', 'note', 'detail', 'source')


def ReadUnofficial(source_input, sources):
    header = ['port', 'transport', 'software_service', 'source']
    if not source_input.lines or source_input.lines[0].split('\t') != header:
        source_input.Error(1, 'expected header %s' % '\t'.join(header))
    uses = []
    for number, line in enumerate(source_input.lines[1:], start=2):
        port, transport, software, origin = Fields(source_input, number, line, 4)
        use = Use()
        use.row = len(uses)
        use.low, use.high = ParsePort(source_input, number, port, True)
        use.transport = CheckTransport(source_input, number, transport, TRANSPORTS)
        # Kept even when empty: Wikipedia names no software on two rows
        # (SOURCE.md lists them); the row still says the port is used.
        use.software = software
        use.source, _ = MatchSource(source_input, number, origin, sources)
        use.source.rows += 1
        uses.append(use)
    return uses


def ReadTrojans(source_input, sources):
    header = ['port', 'transport', 'names', 'source', 'note']
    if not source_input.lines or source_input.lines[0].split('\t') != header:
        source_input.Error(1, 'expected header %s' % '\t'.join(header))
    rows = []
    for number, line in enumerate(source_input.lines[1:], start=2):
        port, transport, names, origin, note = Fields(source_input, number, line, 5)
        entry = Malware()
        entry.row = len(rows)
        entry.port, entry.high = ParsePort(source_input, number, port, True)
        entry.transport = CheckTransport(source_input, number, transport, TRANSPORTS)
        if not names:
            source_input.Error(number, 'empty names: a malware row must name something')
        entry.names, entry.note = names, note
        entry.source, entry.detail = MatchSource(source_input, number, origin, sources)
        entry.source.rows += 1
        rows.append(entry)
    return rows


def ReadNmapServices(source_input):
    """(observations, comment-free entry counts, $Id revision, $Id date)."""
    observations, entries, seen = [], {t: 0 for t in NMAP_TRANSPORTS}, {}
    revision = date = None
    for number, line in enumerate(source_input.lines, start=1):
        if line.startswith('#'):
            match = re.search(r'\$Id: nmap-services (\d+) (\d{4}-\d{2}-\d{2}) ', line)
            if match:
                revision, date = match.group(1), match.group(2)
            continue
        if '\r' in line:
            source_input.Error(number, 'carriage return in line')
        fields = line.split('\t')
        if len(fields) < 3 or (len(fields) > 3 and not fields[3].startswith('#')):
            source_input.Error(number, 'expected name<TAB>port/proto<TAB>frequency'
                               '[<TAB># comment]')
        name, port_proto, frequency = fields[:3]
        if not name or name != name.strip():
            source_input.Error(number, 'bad service name %r' % name)
        match = re.fullmatch(r'(\d{1,5})/([a-z]+)', port_proto)
        if not match:
            source_input.Error(number, 'bad port/proto %r' % port_proto)
        port = ParsePort(source_input, number, match.group(1), False)[0]
        transport = CheckTransport(source_input, number, match.group(2), NMAP_TRANSPORTS)
        if not re.fullmatch(r'\d+\.\d+', frequency):
            source_input.Error(number, 'bad open frequency %r' % frequency)
        value = decimal.Decimal(frequency)
        if value > 1:
            source_input.Error(number, 'open frequency %s above 1' % frequency)
        key = (transport, port)
        if key in seen:
            source_input.Error(number, '%d/%s listed twice (first at line %d)' % (
                port, transport, seen[key]))
        seen[key] = number
        entries[transport] += 1
        if value > 0:
            ppm = int((value * 1000000).quantize(decimal.Decimal(1),
                                                 rounding=decimal.ROUND_HALF_UP))
            if ppm == 0:
                source_input.Error(number, 'open frequency %s is below 1 ppm; the table '
                                   'stores parts per million' % frequency)
            observations.append((transport, port, ppm, name))
    if revision is None:
        Fail('%s: no "$Id: nmap-services REV YYYY-MM-DD" line: cannot date it' % source_input.path)
    return observations, entries, revision, date


class Everyday:
    __slots__ = ('row', 'port', 'transport', 'name', 'aliases', 'comment')


def ReadServices(source_input):
    services, skipped = [], {}
    for number, line in enumerate(source_input.lines, start=1):
        if '\r' in line:
            source_input.Error(number, 'carriage return in line')
        body, hash_mark, comment = line.partition('#')
        words = body.split()
        if not words:
            continue
        if len(words) < 2:
            source_input.Error(number, 'expected NAME PORT/PROTOCOL [ALIASES...] [# COMMENT]')
        match = re.fullmatch(r'(\d{1,5})/([a-z]+)', words[1])
        if not match:
            source_input.Error(number, 'bad port/protocol %r' % words[1])
        port = ParsePort(source_input, number, match.group(1), False)[0]
        if match.group(2) in SERVICES_SKIPPED_TRANSPORTS:
            skipped.setdefault(match.group(2), []).append(number)
            continue
        entry = Everyday()
        entry.row = len(services)
        entry.port = port
        entry.transport = CheckTransport(source_input, number, match.group(2), TRANSPORTS)
        entry.name = words[0]
        entry.aliases = ' '.join(words[2:])
        entry.comment = comment.strip() if hash_mark else ''
        services.append(entry)
    return services, skipped


# ---------------------------------------------------------------- versions

def PackageVersion(package):
    try:
        result = subprocess.run(['dpkg-query', '-W', '-f=${Version}', package],
                                capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def NetbaseReleaseDate(version):
    """Date of `version`'s entry in netbase's Debian changelog, YYYY-MM-DD."""
    if not os.path.isfile(NETBASE_CHANGELOG):
        return None
    with gzip.open(NETBASE_CHANGELOG, 'rt', encoding='utf-8') as handle:
        in_entry = False
        for line in handle:
            header = re.match(r'netbase \(([^)]+)\)', line)
            if header:
                in_entry = header.group(1) == version
            elif in_entry and line.startswith(' -- '):
                match = re.search(r'(\d{1,2}) (\w{3}) (\d{4})', line)
                if not match:
                    return None
                month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct',
                         'Nov', 'Dec'].index(match.group(2)) + 1
                return '%s-%02d-%02d' % (match.group(3), month, int(match.group(1)))
    return None


# ---------------------------------------------------------------- output

def IndexBy(items, key):
    """Row indices grouped by transport (in TRANSPORTS order), each group
    sorted by `key`; returns (indices, begin offsets)."""
    indices, begin = [], []
    for transport in TRANSPORTS:
        begin.append(len(indices))
        group = [item for item in items if item.transport == transport]
        indices.extend(item.row for item in sorted(group, key=key))
    begin.append(len(indices))
    return indices, begin


def CoverRuns(uses):
    """Per transport: disjoint port runs covered by the same uses, each with
    the covering rows in input order. Only covered runs are listed."""
    runs, cover, begin = [], [], []
    for transport in TRANSPORTS:
        begin.append(len(runs))
        events = {}
        for use in uses:
            if use.transport == transport:
                events.setdefault(use.low, []).append((1, use.row))
                events.setdefault(use.high + 1, []).append((-1, use.row))
        cuts = sorted(events)
        active = set()
        for index, cut in enumerate(cuts):
            for delta, row in events[cut]:
                if delta > 0:
                    active.add(row)
                else:
                    active.discard(row)
            if not active or cut > 65535:
                continue
            last = cuts[index + 1] - 1   # an active run always ends at a later cut
            rows = sorted(active)
            if len(rows) > 0xFFFF:
                Fail('more than 65535 uses cover port %d/%s' % (cut, transport))
            runs.append((cut, last, len(cover), len(rows)))
            cover.extend(rows)
    begin.append(len(runs))
    return runs, cover, begin


class Blob:
    """Distinct strings in one char table, indexed by offsets."""

    def __init__(self):
        self.ids, self.strings = {}, []

    def Id(self, text):
        if text not in self.ids:
            self.ids[text] = len(self.strings)
            self.strings.append(text)
        return self.ids[text]

    def Emit(self, out, name):
        blob, offsets = bytearray(), []
        for text in self.strings:
            offsets.append(len(blob))
            blob += text.encode('utf-8')
        offsets.append(len(blob))
        chunks, current = [], ''
        for text in self.strings:
            current += text
            if len(current) > 96:
                chunks.append(CxxString(current))
                current = ''
        if current:
            chunks.append(CxxString(current))
        out.append('constexpr char k%s[%d] =' % (name, len(blob) + 1))
        out.append('\n'.join('    ' + chunk for chunk in chunks or ['""']) + ';')
        out.append('constexpr std::uint32_t k%sOffsets[%d] = {' % (name, len(offsets)))
        out.append(Rows([str(o) for o in offsets], 12))
        out.append('};')


def PortText(use):
    return str(use.low) if use.low == use.high else '%d-%d' % (use.low, use.high)


def CountBy(items, key):
    counts = {}
    for item in items:
        counts[key(item)] = counts.get(key(item), 0) + 1
    return counts


def Breakdown(counts, order=TRANSPORTS):
    return ', '.join('%s %d' % (k, counts[k]) for k in order if counts.get(k))


class Tables:
    """Everything read from the inputs, as the emitters and SOURCE.md use it."""


def NmapSource(version, revision, date, label):
    return Source(
        'nmap', 'nmap-services', '', False,
        'nmap-services-%s' % version.split('+')[0],
        'nmap-services open frequencies (Nmap %s, $Id %s %s)' % (
            version.split('+')[0], revision, date),
        'Debian package nmap-common %s, %s' % (version, label),
        date, 'indication',
        'How often nmap\'s internet-wide scans found the port open: common use, but it '
        'says nothing about which software listens.')


def NetbaseSource(version, date, label):
    return Source(
        'netbase', 'services', '', False,
        'debian-netbase-%s' % version,
        'Debian /etc/services (package netbase %s)' % version,
        'Debian package netbase %s, %s' % (version, label),
        date, 'indication',
        'The names Debian gives ports in everyday use, a short list kept by hand from '
        'IANA\'s registry: what a port usually is, not what listens on it.')


def ReadAll(args):
    t = Tables()
    t.unofficial_input, t.trojans_input = Input(args.unofficial), Input(args.trojans)
    t.nmap_input, t.services_input = Input(args.nmap_services), Input(args.services)
    t.unofficial_input.kind, t.trojans_input.kind = 'unofficial', 'trojans'

    t.sources = FixedSources()
    t.uses = ReadUnofficial(t.unofficial_input, t.sources)
    t.malware = ReadTrojans(t.trojans_input, t.sources)
    t.observations, t.nmap_entries, t.nmap_revision, t.nmap_date = \
        ReadNmapServices(t.nmap_input)
    t.everyday, t.skipped = ReadServices(t.services_input)
    for source in t.sources:
        if source.rows == 0:
            Fail('source %s has no rows in %s: drop it from FixedSources() or check the input' % (
                source.id, source.input_name))

    t.nmap_version = args.nmap_version or PackageVersion('nmap-common')
    if not t.nmap_version:
        Fail('cannot tell the nmap-common version (dpkg-query failed): pass --nmap-version')
    t.netbase_version = args.netbase_version or PackageVersion('netbase')
    if not t.netbase_version:
        Fail('cannot tell the netbase version (dpkg-query failed): pass --netbase-version')
    t.netbase_date = args.netbase_date or NetbaseReleaseDate(t.netbase_version)
    if not t.netbase_date:
        Fail('cannot find netbase %s in %s: pass --netbase-date YYYY-MM-DD' % (
            t.netbase_version, NETBASE_CHANGELOG))

    nmap = NmapSource(t.nmap_version, t.nmap_revision, t.nmap_date, t.nmap_input.label)
    nmap.rows = len(t.observations)
    netbase = NetbaseSource(t.netbase_version, t.netbase_date, t.services_input.label)
    netbase.rows = len(t.everyday)
    t.sources += [nmap, netbase]
    t.source_index = {source.key: index for index, source in enumerate(t.sources)}
    for table, count in (('unofficial', len(t.uses)), ('malware', len(t.malware)),
                         ('everyday', len(t.everyday))):
        if count >= 0xFFFF:
            Fail('%d %s rows outgrew 16-bit indices; widen them in usage.cpp' % (count, table))

    t.runs, t.cover, t.run_begin = CoverRuns(t.uses)
    t.covered = sum(last - first + 1 for first, last, _, _ in t.runs)
    t.malware_ports = len({(m.transport, port) for m in t.malware
                           for port in range(m.port, m.high + 1)})
    return t


def Widest(rows, low, high):
    return [max([high(r) - low(r) for r in rows if r.transport == t] or [0])
            for t in TRANSPORTS]


def EmitIndex(out, name, indices, begin):
    out.append('constexpr std::uint16_t k%s[%d] = {' % (name, len(indices)))
    out.append(Rows([str(i) for i in indices], 16))
    out.append('};')
    out.append('constexpr std::uint32_t k%sBegin[5] = {%s};' % (
        name, ', '.join(str(b) for b in begin)))


def EmitHeader(out, t):
    out.append('// Generated by catalog/tools/gen_usage.py. Do not edit; rerun the generator.')
    out.append('// Included by catalog/usage.cpp inside namespace ghostport::catalog::data.')
    out.append('// Inputs (see catalog/generated/SOURCE.md):')
    for item in (t.unofficial_input, t.trojans_input, t.nmap_input, t.services_input):
        out.append('//   %s sha256 %s' % (item.label, item.sha256))
    out.append('//   nmap-common %s, netbase %s' % (t.nmap_version, t.netbase_version))
    out.append('')
    out.append('// {id, title, location, as_of, weight, weight_reason}')
    out.append('constexpr UsageSource kSources[%d] = {' % len(t.sources))
    for source in t.sources:
        out.append('    {%s,\n     %s,\n     %s,\n     %s, %s,\n     %s},' % (
            CxxString(source.id), CxxString(source.title), CxxString(source.location),
            CxxString(source.as_of), WEIGHT_CXX[source.weight],
            CxxString(source.weight_reason)))
    out.append('};')
    out.append('constexpr std::size_t kNmapSource = %d;' % t.source_index['nmap'])
    out.append('constexpr std::size_t kNetbaseSource = %d;' % t.source_index['netbase'])
    out.append('')


def EmitUnofficial(out, t):
    out.append('// Unofficial uses in input order: {port_low, port_high, transport, software, source}.')
    out.append('constexpr UnofficialUse kUnofficial[%d] = {' % len(t.uses))
    for use in t.uses:
        out.append('    {%d, %d, %s, %s, &kSources[%d]},' % (
            use.low, use.high, CXX_TRANSPORT[use.transport], CxxString(use.software),
            t.source_index[use.source.key]))
    out.append('};')
    out.append('// Rows per transport (tcp, udp, sctp, dccp) sorted by (port_low, port_high, row).')
    EmitIndex(out, 'UnofficialByStart', *IndexBy(t.uses, lambda u: (u.low, u.high, u.row)))
    out.append('// Per transport: the widest range, port_high - port_low.')
    out.append('constexpr std::uint16_t kUnofficialWidest[4] = {%s};' % ', '.join(
        str(w) for w in Widest(t.uses, lambda u: u.low, lambda u: u.high)))
    out.append('// Per transport, disjoint runs of ports covered by the same uses:')
    out.append('// {first port, last port, first cover entry, cover count}.')
    out.append('constexpr CoverRun kUnofficialRuns[%d] = {' % len(t.runs))
    out.append(Rows(['{%d, %d, %d, %d}' % run for run in t.runs], 4))
    out.append('};')
    out.append('constexpr std::uint32_t kUnofficialRunBegin[5] = {%s};' % ', '.join(
        str(b) for b in t.run_begin))
    out.append('// Rows covering each run, in input order.')
    out.append('constexpr std::uint16_t kUnofficialCover[%d] = {' % len(t.cover))
    out.append(Rows([str(c) for c in t.cover], 16))
    out.append('};')
    out.append('')


def EmitMalware(out, t):
    out.append('// Malware associations in input order: {port, transport, names, note,')
    out.append('// source, source_detail, port_high}.')
    out.append('constexpr MalwareAssociation kMalware[%d] = {' % len(t.malware))
    for entry in t.malware:
        out.append('    {%d, %s, %s, %s, &kSources[%d], %s, %d},' % (
            entry.port, CXX_TRANSPORT[entry.transport], CxxString(entry.names),
            CxxString(entry.note), t.source_index[entry.source.key], CxxString(entry.detail),
            entry.high))
    out.append('};')
    out.append('// Per transport: the widest range, port_high - port.')
    out.append('constexpr std::uint16_t kMalwareWidest[4] = {%s};' % ', '.join(
        str(w) for w in Widest(t.malware, lambda m: m.port, lambda m: m.high)))
    out.append('// Rows per transport sorted by (port, port_high, row).')
    EmitIndex(out, 'MalwareByPort', *IndexBy(t.malware, lambda m: (m.port, m.high, m.row)))
    out.append('')


def EmitObservations(out, t):
    names = Blob()
    rows, begin = [], []
    for transport in TRANSPORTS:
        begin.append(len(rows))
        for _, port, ppm, name in sorted(o for o in t.observations if o[0] == transport):
            rows.append('{%d, %d, %d}' % (port, names.Id(name), ppm))
    begin.append(len(rows))
    if len(names.strings) >= 0xFFFF:
        Fail('%d distinct nmap names outgrew 16-bit ids' % len(names.strings))
    out.append('// nmap\'s names for the observed ports, one char table.')
    names.Emit(out, 'NmapNames')
    out.append('// Observations per transport sorted by port: {port, nmap name id, frequency ppm}.')
    out.append('constexpr ObservationRow kObservations[%d] = {' % len(rows))
    out.append(Rows(rows, 6))
    out.append('};')
    out.append('constexpr std::uint32_t kObservationBegin[5] = {%s};' % ', '.join(
        str(b) for b in begin))
    out.append('')


def EmitEveryday(out, t):
    out.append('// /etc/services entries in input order: {port, transport, name, aliases, comment}.')
    out.append('constexpr EverydayService kEveryday[%d] = {' % len(t.everyday))
    for entry in t.everyday:
        out.append('    {%d, %s, %s, %s, %s},' % (
            entry.port, CXX_TRANSPORT[entry.transport], CxxString(entry.name),
            CxxString(entry.aliases), CxxString(entry.comment)))
    out.append('};')
    out.append('// Rows per transport sorted by (port, row).')
    EmitIndex(out, 'EverydayByPort', *IndexBy(t.everyday, lambda e: (e.port, e.row)))


def Generate(args):
    t = ReadAll(args)
    out = []
    for emit in (EmitHeader, EmitUnofficial, EmitMalware, EmitObservations, EmitEveryday):
        emit(out, t)
    t.text = '\n'.join(out) + '\n'
    os.makedirs(args.output_dir, exist_ok=True)
    inc_path = os.path.join(args.output_dir, 'usage_data.inc')
    with open(inc_path, 'w', encoding='ascii', newline='\n') as handle:
        handle.write(t.text)
    WriteSourceMd(args.output_dir, t)
    print('gen_usage: %d unofficial uses, %d malware rows, %d observations, %d everyday '
          'services, %d bytes -> %s' % (len(t.uses), len(t.malware), len(t.observations),
                                        len(t.everyday), len(t.text), inc_path))


def WriteSourceMd(output_dir, t):
    sources, uses, malware = t.sources, t.uses, t.malware
    observations, everyday, skipped = t.observations, t.everyday, t.skipped
    md = [MARKER, '', '# Generated usage data: provenance', '',
          '`usage_data.inc` is generated by `catalog/tools/gen_usage.py`; do not edit it by hand.',
          '', '## Inputs', '', '| input | version / date | sha256 | bytes | rows |',
          '| --- | --- | --- | --- | --- |']
    md.append('| `%s` | Wikipedia rev 1338759312 (2026-02-17); Oracle KMA page | `%s` | %d | %d |' % (
        t.unofficial_input.label, t.unofficial_input.sha256,
        len(t.unofficial_input.data), len(uses)))
    md.append('| `%s` | OpenVAS 2018-10-24; Snort 2005-2018; nmap 7.93 | `%s` | %d | %d |' % (
        t.trojans_input.label, t.trojans_input.sha256, len(t.trojans_input.data),
        len(malware)))
    md.append('| `%s` | nmap-common %s, `$Id` %s %s | `%s` | %d | %d entries (%s) |' % (
        t.nmap_input.label, t.nmap_version, t.nmap_revision, t.nmap_date,
        t.nmap_input.sha256, len(t.nmap_input.data), sum(t.nmap_entries.values()),
        Breakdown(t.nmap_entries)))
    md.append('| `%s` | netbase %s (%s) | `%s` | %d | %d entries |' % (
        t.services_input.label, t.netbase_version, t.netbase_date,
        t.services_input.sha256, len(t.services_input.data),
        len(everyday) + sum(len(lines) for lines in skipped.values())))
    md += ['', '## Sources', '', '| id | weight | as of | rows | title |',
           '| --- | --- | --- | --- | --- |']
    for source in sources:
        md.append('| `%s` | %s | %s | %d | %s |' % (source.id, source.weight, source.as_of,
                                                    source.rows, source.title))
    md += ['', '## Tables', '']
    md.append('- unofficial uses: %d rows (%s), %d of them ranges; %d distinct (port, transport)'
              ' covered.' % (len(uses), Breakdown(CountBy(uses, lambda u: u.transport)),
                             sum(1 for u in uses if u.low != u.high), t.covered))
    unnamed = ['%s/%s (line %d)' % (PortText(u), u.transport, u.row + 2)
               for u in uses if not u.software]
    if unnamed:
        md.append('- unofficial uses naming no software (kept, with empty `software`): %s.' %
                  ', '.join(unnamed))
    md.append('- malware associations: %d rows (%s), %d of them ranges, covering %d distinct'
              ' (port, transport); Snort rows by rules file: %s.' % (
                  len(malware), Breakdown(CountBy(malware, lambda m: m.transport)),
                  sum(1 for m in malware if m.port != m.high),
                  t.malware_ports, ', '.join(
                      '%s %d' % (k, c) for k, c in sorted(
                          CountBy([m for m in malware if m.detail], lambda m: m.detail).items()))))
    md.append('- observations: %d entries with open frequency > 0 (%s); the other %d'
              ' (frequency 0) are not kept.' % (
                  len(observations), Breakdown(CountBy(observations, lambda o: o[0])),
                  sum(t.nmap_entries.values()) - len(observations)))
    md.append('- everyday services: %d entries (%s); left out: %s.' % (
        len(everyday), Breakdown(CountBy(everyday, lambda e: e.transport)), '; '.join(
            '%d %s lines (%s: lines %s)' % (len(lines), t, SERVICES_SKIPPED_TRANSPORTS[t],
                                            ', '.join(str(n) for n in lines))
            for t, lines in sorted(skipped.items())) or 'nothing'))
    md.append('- generated file: %d bytes.' % len(t.text.encode('ascii')))
    md += ['', '## Rerun', '',
           'Newer lists: replace the TSV files in `shared/catalog-sources/` (a new source'
           ' column needs its description in `FixedSources()` of the script), or install newer'
           ' `nmap-common` / `netbase`. Then, from the repository root:', '',
           '    python3 catalog/tools/gen_usage.py \\',
           '        --unofficial ../shared/catalog-sources/unofficial-uses.tsv \\',
           '        --trojans ../shared/catalog-sources/trojan-ports.tsv \\',
           '        --nmap-services /usr/share/nmap/nmap-services --services /etc/services', '',
           'or `cmake --build BUILD --target catalog-generate-usage`. The nmap-common and'
           ' netbase versions come from `dpkg-query` (`--nmap-version`, `--netbase-version`,'
           ' `--netbase-date` override them when the files come from elsewhere). Rebuild, run'
           ' the catalog tests (their counts pin today\'s tables: update them with the diff),'
           ' review the diff, commit both files.']

    path = os.path.join(output_dir, 'SOURCE.md')
    existing = ''
    if os.path.isfile(path):
        with open(path, encoding='utf-8') as handle:
            existing = handle.read()
    kept = existing.split(MARKER)[0].rstrip('\n')
    with open(path, 'w', encoding='utf-8', newline='\n') as handle:
        handle.write((kept + '\n\n' if kept else '') + '\n'.join(md) + '\n')


def Main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--unofficial', default=DEFAULT_UNOFFICIAL,
                        help='unofficial uses TSV (default: %(default)s)')
    parser.add_argument('--trojans', default=DEFAULT_TROJANS,
                        help='malware ports TSV (default: %(default)s)')
    parser.add_argument('--nmap-services', default=DEFAULT_NMAP_SERVICES,
                        help='nmap-services (default: %(default)s, Debian package nmap-common)')
    parser.add_argument('--services', default=DEFAULT_SERVICES,
                        help='services file (default: %(default)s, Debian package netbase)')
    parser.add_argument('--nmap-version', help='nmap-common version (default: dpkg-query)')
    parser.add_argument('--netbase-version', help='netbase version (default: dpkg-query)')
    parser.add_argument('--netbase-date', help='release date of that netbase version, '
                        'YYYY-MM-DD (default: from its Debian changelog)')
    parser.add_argument('--output-dir', default=os.path.join(CATALOG, 'generated'))
    Generate(parser.parse_args())


if __name__ == '__main__':
    Main()
