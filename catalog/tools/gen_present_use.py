#!/usr/bin/env python3
"""Generate catalog/generated/present_use_data.inc and sensitive_data.inc.

Who listens on a port today, from lists that are kept up to date, each row
credited to the service it names, on the transport it names:

  --firewalld-dir  firewalld's service definitions (package firewalld):
                   /usr/lib/firewalld/services/*.xml, <port protocol port>
  --tshark         Wireshark's default dissector ports (package tshark):
                   `tshark -G decodes` (tcp.port/udp.port/sctp.port rows)
                   named through `tshark -G protocols`; or --tshark-decodes
                   and --tshark-protocols with saved outputs
  --nmap-probes    nmap's nmap-service-probes (package nmap-common): the
                   `ports`/`sslports` of probes aimed at a few ports
  --ufw-dir        ufw's application profiles (package ufw):
                   /etc/ufw/applications.d/*
  --alive          catalog/knowledge/alive.toml: the curated list, a vendor
                   source per entry
  --unconfirmed    catalog/knowledge/unconfirmed.toml: claims checked and not
                   confirmed (shown as such, never evidence)
and, into sensitive_data.inc,
  --sensitive      catalog/knowledge/sensitive.toml: services risky to expose

A provenance page, catalog/generated/PRESENT_USE.md, records every input with
its package version, the date of that version (the first trailer of its
Debian changelog), sha256 and row count. `--check` regenerates in memory and
fails when the committed files differ (catalog_test runs it). Every row of
every input is kept or the generator stops with file:line; the only rows left
out on purpose are counted on the provenance page. Standard library only;
output is deterministic (same inputs and versions, same bytes).
"""

import argparse
import gzip
import hashlib
import os
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cxx_emit import CxxString  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.dirname(HERE)
GENERATED = os.path.join(CATALOG, 'generated')
TRANSPORTS = ('tcp', 'udp', 'sctp', 'dccp')
CXX_TRANSPORT = {'tcp': 'Transport::kTcp', 'udp': 'Transport::kUdp',
                 'sctp': 'Transport::kSctp', 'dccp': 'Transport::kDccp'}
CXX_WEIGHT = {'high': 'PresentWeight::kHigh', 'medium': 'PresentWeight::kMedium',
              'low': 'PresentWeight::kLow'}
CXX_SOURCE_WEIGHT = {'evidence': 'SourceWeight::kEvidence', 'indication': 'SourceWeight::kIndication',
                     'note': 'SourceWeight::kNote'}
# nmap probes aimed at more port entries than this are generic (GetRequest,
# GenericLines, ...): they say how nmap scans, not what listens.
PROBE_MAX_ENTRIES = 5
PROBE_MAX_SPAN = 64


class Fail(Exception):
    pass


def Sha256(data):
    return hashlib.sha256(data).hexdigest()


REPO = os.path.dirname(CATALOG)
# Where scripts/install-deps unpacks firewalld's .deb when the package is not
# installed (installing it would start the daemon on a systemd host).
UNPACKED = {'firewalld': os.path.join(REPO, '.tools', 'firewalld')}


def Unpacked(package, path):
    """`path` inside the unpacked .deb of `package`, when it is there."""
    root = UNPACKED.get(package)
    return os.path.join(root, 'root', path.lstrip('/')) if root else path


def PackageVersion(package):
    root = UNPACKED.get(package)
    if root and os.path.exists(os.path.join(root, 'VERSION')) and not Installed(package):
        with open(os.path.join(root, 'VERSION'), encoding='utf-8') as f:
            return f.read().strip()
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Version}', package], capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise Fail(f'{package}: not installed (apt-get install {package}), or give its version')
    return out


MONTHS = {m: i + 1 for i, m in enumerate(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep',
                                          'Oct', 'Nov', 'Dec'])}


def Installed(package):
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Status}', package], capture_output=True, text=True)
    except OSError:
        return False
    return out.stdout.endswith(' installed')


def PackageDate(package):
    """The date of the installed version: its Debian changelog's first trailer."""
    path = f'/usr/share/doc/{package}/changelog.Debian.gz'
    if not Installed(package):
        path = Unpacked(package, path)
    try:
        with gzip.open(path, 'rt', encoding='utf-8', errors='replace') as f:
            for line in f:
                m = re.match(r' -- .*?  \w{3}, (\d{1,2}) (\w{3}) (\d{4})', line)
                if m:
                    return '%s-%02d-%02d' % (m.group(3), MONTHS[m.group(2)], int(m.group(1)))
    except OSError:
        pass
    raise Fail(f'{path}: no changelog trailer to date {package} by')


def ParsePorts(text, where):
    """'80', '6000-6020' -> (low, high)."""
    m = re.fullmatch(r'(\d+)(?:[-:](\d+))?', text.strip())
    if not m:
        raise Fail(f'{where}: bad port {text!r}')
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    if not 0 <= low <= high <= 65535:
        raise Fail(f'{where}: port out of range or backwards {text!r}')
    return low, high


class Row:
    def __init__(self, low, high, transport, key, software, source, weight, registration='',
                 citations=(), checked=''):
        self.low, self.high, self.transport = low, high, transport
        self.key, self.software, self.source, self.weight = key, software, source, weight
        self.registration, self.citations = registration, tuple(citations)
        self.checked = checked  # non-empty: a claim checked and not confirmed

    def SortKey(self):
        return (TRANSPORTS.index(self.transport), self.low, self.high, self.source, self.key, self.software)


class Input:
    def __init__(self, source_id, title, location, package, version, as_of, weight, source_weight,
                 reason):
        self.source_id, self.title, self.location = source_id, title, location
        self.package, self.version, self.as_of = package, version, as_of
        self.weight, self.source_weight, self.reason = weight, source_weight, reason
        self.sha256 = ''
        self.rows = 0
        self.skipped = []  # (what, count)


def ReadFirewalld(directory, inp):
    rows = []
    digest = hashlib.sha256()
    names = sorted(n for n in os.listdir(directory) if n.endswith('.xml'))
    no_port = 0
    other_protocol = 0
    for name in names:
        path = os.path.join(directory, name)
        with open(path, 'rb') as f:
            data = f.read()
        digest.update(name.encode() + b'\0' + data)
        try:
            root = ET.fromstring(data)
        except ET.ParseError as e:
            raise Fail(f'{path}:{e.position[0]}: {e}')
        key = name[:-4]
        short = (root.findtext('short') or key).strip()
        ports = root.findall('port')
        if not ports:
            no_port += 1
        for port in ports:
            proto = port.get('protocol', '')
            if proto not in TRANSPORTS:
                if not re.fullmatch(r'[a-z0-9-]+', proto):
                    raise Fail(f'{path}: bad protocol {proto!r}')
                other_protocol += 1  # ah, esp, gre: no ports in the catalog
                continue
            low, high = ParsePorts(port.get('port', ''), path)
            rows.append(Row(low, high, proto, key, short, inp.source_id, inp.weight))
    inp.sha256 = digest.hexdigest()
    inp.skipped.append(('service definitions without a <port> (protocols, includes, helpers only)', no_port))
    inp.skipped.append(('<port> elements on protocols without ports in the catalog (ah, esp, ...)',
                        other_protocol))
    return rows


def ReadTshark(decodes_text, protocols_text, inp):
    full = {}
    for number, line in enumerate(protocols_text.splitlines(), 1):
        parts = line.split('\t')
        if len(parts) != 3:
            raise Fail(f'tshark -G protocols:{number}: expected 3 columns')
        full[parts[2]] = parts[0]
    rows = []
    other = 0
    for number, line in enumerate(decodes_text.splitlines(), 1):
        parts = line.split('\t')
        if len(parts) != 3:
            raise Fail(f'tshark -G decodes:{number}: expected 3 columns')
        table, value, dissector = parts
        m = re.fullmatch(r'(tcp|udp|sctp|dccp)\.port', table)
        if not m:
            other += 1
            continue
        low, high = ParsePorts(value, f'tshark -G decodes:{number}')
        name = full.get(dissector, dissector)
        rows.append(Row(low, high, m.group(1), dissector, name, inp.source_id, inp.weight))
    inp.sha256 = Sha256((decodes_text + '\0' + protocols_text).encode())
    inp.skipped.append(('dissector table rows that are not tcp/udp/sctp/dccp ports', other))
    return rows


def ReadProbes(path, inp):
    with open(path, 'rb') as f:
        data = f.read()
    inp.sha256 = Sha256(data)
    rows = []
    probe = None
    generic = 0
    entries = []

    def Flush():
        nonlocal generic
        if probe is None or not entries:
            return
        spans = [ParsePorts(e, f'{path}:{probe[2]}') for e in entries]
        if len(entries) > PROBE_MAX_ENTRIES or any(h - l >= PROBE_MAX_SPAN for l, h in spans):
            generic += 1
            return
        for low, high in sorted(set(spans)):
            rows.append(Row(low, high, probe[0], probe[1], 'nmap probe ' + probe[1], inp.source_id,
                            inp.weight))

    for number, line in enumerate(data.decode('latin-1').splitlines(), 1):
        if line.startswith('Probe '):
            Flush()
            parts = line.split()
            if parts[1] not in ('TCP', 'UDP'):
                raise Fail(f'{path}:{number}: unknown probe protocol {parts[1]!r}')
            probe = (parts[1].lower(), parts[2], number)
            entries = []
        elif line.startswith(('ports ', 'sslports ')):
            if probe is None:
                raise Fail(f'{path}:{number}: ports before any Probe')
            entries += [e for e in line.split(None, 1)[1].strip().split(',') if e]
    Flush()
    inp.skipped.append((f'generic probes (more than {PROBE_MAX_ENTRIES} port entries or a range of '
                        f'{PROBE_MAX_SPAN}+ ports)', generic))
    return rows


def ReadUfw(directory, inp):
    rows = []
    digest = hashlib.sha256()
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        with open(path, 'rb') as f:
            data = f.read()
        digest.update(name.encode() + b'\0' + data)
        section, title = None, None
        for number, line in enumerate(data.decode('utf-8').splitlines(), 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('['):
                section, title = line.strip('[]'), None
            elif line.startswith('title='):
                title = line[len('title='):]
            elif line.startswith('ports='):
                if section is None:
                    raise Fail(f'{path}:{number}: ports outside a profile')
                # "80,443/tcp", "137,138/udp|139,445/tcp", "53" (both transports)
                for spec in line[len('ports='):].split('|'):
                    ports, _, proto = spec.partition('/')
                    protos = [proto] if proto else ['tcp', 'udp']
                    for p in protos:
                        if p not in TRANSPORTS:
                            raise Fail(f'{path}:{number}: unknown protocol {p!r}')
                        for entry in ports.split(','):
                            low, high = ParsePorts(entry, f'{path}:{number}')
                            rows.append(Row(low, high, p, section, title or section, inp.source_id,
                                            inp.weight))
    inp.sha256 = digest.hexdigest()
    return rows


def Citations(entry, where):
    sources = entry.get('sources', [])
    if not sources:
        raise Fail(f'{where}: no sources')
    out = []
    for s in sources:
        if set(s) != {'title', 'url', 'seen'} or not s['url'].startswith(('http://', 'https://')):
            raise Fail(f'{where}: a source needs exactly title, url (http/https) and seen')
        out.append((s['title'], s['url'], s['seen']))
    return out


def LoadToml(path):
    with open(path, 'rb') as f:
        data = f.read()
    try:
        return data, tomllib.loads(data.decode('utf-8'))
    except tomllib.TOMLDecodeError as e:
        raise Fail(f'{path}: {e}')


def Lines(data, header):
    """The line numbers of each `header` table, in order."""
    return [n for n, line in enumerate(data.decode('utf-8').splitlines(), 1) if line.strip() == header]


def Entries(path, table, keys):
    """The file's sha256 and, for each [[table]] entry with exactly `keys`,
    (entry, 'path:line', low, high, transports), every field checked."""
    data, doc = LoadToml(path)
    lines = Lines(data, f'[[{table}]]')
    out = []
    for entry, line in zip(doc.get(table, []), lines):
        where = f'{path}:{line}'
        if set(entry) != keys:
            raise Fail(f'{where}: keys must be exactly {sorted(keys)}')
        for text_key in ('reason', 'checked'):
            if text_key in keys and not entry[text_key].strip():
                raise Fail(f'{where}: blank {text_key}')
        ports = entry['ports']
        if len(ports) not in (1, 2):
            raise Fail(f'{where}: ports is [port] or [low, high]')
        low, high = ParsePorts('-'.join(str(p) for p in ports), where)
        for t in entry['transports']:
            if t not in TRANSPORTS:
                raise Fail(f'{where}: unknown transport {t!r}')
        out.append((entry, where, low, high, entry['transports'], line))
    return Sha256(data), out


def ReadAlive(path, inp):
    inp.sha256, entries = Entries(path, 'alive', {'ports', 'transports', 'software', 'key', 'registration', 'sources'})
    return [Row(low, high, t, e['key'], e['software'], inp.source_id, inp.weight, e['registration'],
                Citations(e, where))
            for e, where, low, high, transports, _ in entries for t in transports]


def ReadUnconfirmed(path, inp):
    inp.sha256, entries = Entries(path, 'unconfirmed', {'ports', 'transports', 'software', 'key', 'checked', 'sources'})
    return [Row(low, high, t, e['key'], e['software'], inp.source_id, inp.weight, '', Citations(e, where),
                e['checked'])
            for e, where, low, high, transports, _ in entries for t in transports]


def ReadSensitive(path):
    sha, entries = Entries(path, 'sensitive', {'ports', 'transports', 'service', 'reason', 'sources'})
    out = [(low, high, t, e['service'], e['reason'], Citations(e, where), line)
           for e, where, low, high, transports, line in entries for t in transports]
    out.sort(key=lambda r: (TRANSPORTS.index(r[2]), r[0], r[1], r[6]))
    return sha, out


def CitationTable(groups):
    """Flattens citation tuples; returns (array text, {group index: (offset, count)})."""
    flat, spans = [], []
    for group in groups:
        spans.append((len(flat), len(group)))
        flat += group
    body = ''.join('    {%s, %s, %s},\n' % (CxxString(t), CxxString(u), CxxString(s)) for t, u, s in flat)
    return flat, spans, body


def EmitPresent(inputs, rows):
    rows = sorted(rows, key=Row.SortKey)
    lines = ['// Generated by catalog/tools/gen_present_use.py. Do not edit; rerun the generator.',
             '// Included by catalog/present_use.cpp inside namespace ghostport::catalog::data.',
             '// Inputs (see catalog/generated/PRESENT_USE.md):']
    for inp in inputs:
        lines.append(f'//   {inp.source_id}: {inp.package} {inp.version} ({inp.as_of}) sha256 {inp.sha256}')
    lines.append('')
    lines.append(f'constexpr UsageSource kPresentSources[{len(inputs)}] = {{')
    for inp in inputs:
        lines.append('    {%s,\n     %s,\n     %s,\n     %s, %s,\n     %s},' % (
            CxxString(inp.source_id), CxxString(inp.title), CxxString(inp.location), CxxString(inp.as_of),
            CXX_SOURCE_WEIGHT[inp.source_weight], CxxString(inp.reason)))
    lines.append('};')
    index = {inp.source_id: i for i, inp in enumerate(inputs)}
    weight = {inp.source_id: inp.weight for inp in inputs}
    flat, spans, body = CitationTable([r.citations for r in rows])
    lines.append(f'constexpr Citation kPresentCitations[{max(len(flat), 1)}] = {{')
    lines.append(body.rstrip('\n') if flat else '    {"", "", ""},')
    lines.append('};')
    lines.append('// {port_low, port_high, transport, key, software, registration, weight, source, citations, unconfirmed}')
    lines.append(f'constexpr PresentUse kPresentUses[{len(rows)}] = {{')
    for r, (offset, count) in zip(rows, spans):
        cites = f'std::span<const Citation>(kPresentCitations + {offset}, {count})' if count else \
            'std::span<const Citation>()'
        lines.append('    {%d, %d, %s, %s, %s, %s, %s, &kPresentSources[%d], %s, %s},' % (
            r.low, r.high, CXX_TRANSPORT[r.transport], CxxString(r.key), CxxString(r.software),
            CxxString(r.registration), CXX_WEIGHT[weight[r.source]], index[r.source], cites,
            CxxString(r.checked)))
    lines.append('};')
    widest = [0] * 4
    for r in rows:
        i = TRANSPORTS.index(r.transport)
        widest[i] = max(widest[i], r.high - r.low)
    lines.append('// The widest row per transport (tcp, udp, sctp, dccp): how far back a lookup scans.')
    lines.append('constexpr std::uint16_t kPresentWidest[4] = {%s};' % ', '.join(map(str, widest)))
    return '\n'.join(lines) + '\n'


def EmitSensitive(sha, rows):
    lines = ['// Generated by catalog/tools/gen_present_use.py from catalog/knowledge/sensitive.toml.',
             '// Do not edit; rerun the generator. Included by catalog/sensitive.cpp inside',
             '// namespace ghostport::catalog::data.',
             f'//   sensitive.toml sha256 {sha}', '']
    flat, spans, body = CitationTable([r[5] for r in rows])
    lines.append(f'constexpr Citation kSensitiveCitations[{len(flat)}] = {{')
    lines.append(body.rstrip('\n'))
    lines.append('};')
    lines.append('// {port_low, port_high, transport, service, reason, citations, line}')
    lines.append(f'constexpr SensitiveService kSensitive[{len(rows)}] = {{')
    for r, (offset, count) in zip(rows, spans):
        lines.append('    {%d, %d, %s, %s,\n     %s,\n     std::span<const Citation>(kSensitiveCitations + %d, %d), %d},'
                     % (r[0], r[1], CXX_TRANSPORT[r[2]], CxxString(r[3]), CxxString(r[4]), offset, count, r[6]))
    lines.append('};')
    return '\n'.join(lines) + '\n'


def EmitProvenance(inputs, rows, sensitive_rows, sensitive_sha):
    out = ['# Generated present-use data: provenance', '',
           '`present_use_data.inc` and `sensitive_data.inc` are written by `catalog/tools/gen_present_use.py`;',
           'do not edit them by hand. Rerun (from the repository root, with the packages installed):', '',
           '    apt-get install firewalld tshark nmap-common ufw    # scripts/install-deps does this',
           '    python3 catalog/tools/gen_present_use.py',
           '',
           'or `cmake --build BUILD --target catalog-generate-present-use`. Rebuild, run `catalog_test`,',
           'review the diff, commit the three files.', '',
           '## Inputs', '',
           '| source id | input | package version | version date | weight | sha256 | rows |',
           '| --- | --- | --- | --- | --- | --- | --- |']
    for inp in inputs:
        out.append(f'| `{inp.source_id}` | {inp.location} | {inp.package} {inp.version} | {inp.as_of} | '
                   f'{inp.weight} | `{inp.sha256}` | {inp.rows} |')
    out += ['', 'Left out on purpose:', '']
    for inp in inputs:
        for what, n in inp.skipped:
            out.append(f'- {inp.source_id}: {n} {what}')
    by_t = {}
    for r in rows:
        by_t[r.transport] = by_t.get(r.transport, 0) + 1
    out += ['', '## Tables', '',
            f'- present uses: {len(rows)} rows (' +
            ', '.join(f'{t} {by_t[t]}' for t in TRANSPORTS if t in by_t) + ')',
            f'- sensitive services: {len(sensitive_rows)} (port, transport) rows from '
            f'`catalog/knowledge/sensitive.toml` (sha256 `{sensitive_sha}`)', '']
    return '\n'.join(out)


def Build(args):
    inputs, rows = [], []

    def Add(inp, read):
        got = read(inp)
        inp.rows = len(got)
        inputs.append(inp)
        rows.extend(got)

    fw_version = args.firewalld_version or PackageVersion('firewalld')
    Add(Input('firewalld-services', 'firewalld service definitions (/usr/lib/firewalld/services)',
              '/usr/lib/firewalld/services', 'firewalld', fw_version, args.firewalld_date or PackageDate('firewalld'),
              'high', 'indication',
              'Each definition is what a distribution ships so administrators can open that service: '
              'reviewed upstream, kept current, one service per file.'),
        lambda inp: ReadFirewalld(args.firewalld_dir, inp))
    Add(Input('alive-curated', 'ghostport curated alive list (catalog/knowledge/alive.toml)',
              'catalog/knowledge/alive.toml', 'ghostport', '-', args.alive_date, 'high', 'evidence',
              'Each entry cites the vendor\'s or project\'s own documentation of its default port.'),
        lambda inp: ReadAlive(args.alive, inp))
    ufw_version = args.ufw_version or PackageVersion('ufw')
    Add(Input('ufw-applications', 'ufw application profiles (/etc/ufw/applications.d)', args.ufw_dir, 'ufw',
              ufw_version, args.ufw_date or PackageDate('ufw'), 'medium', 'indication',
              'Profiles Debian ships for common servers: maintained, but few and generic.'),
        lambda inp: ReadUfw(args.ufw_dir, inp))
    tshark_version = args.tshark_version or PackageVersion('tshark')

    def TsharkRows(inp):
        if args.tshark_decodes:
            decodes = open(args.tshark_decodes, encoding='utf-8').read()
            protocols = open(args.tshark_protocols, encoding='utf-8').read()
        else:
            run = lambda what: subprocess.run(['tshark', '-G', what], capture_output=True, text=True,
                                              check=True).stdout
            decodes, protocols = run('decodes'), run('protocols')
        return ReadTshark(decodes, protocols, inp)

    Add(Input('wireshark-decodes', 'Wireshark default dissector ports (tshark -G decodes)',
              'tshark -G decodes, tshark -G protocols', 'tshark', tshark_version,
              args.tshark_date or PackageDate('tshark'), 'low', 'indication',
              'A dissector on a port says the protocol runs there when it runs at all, '
              'not that anyone runs it today: old protocols keep their dissectors.'),
        TsharkRows)
    nmap_version = args.nmap_version or PackageVersion('nmap-common')
    Add(Input('nmap-service-probes', 'nmap service probes aimed at a few ports (nmap-service-probes)',
              args.nmap_probes, 'nmap-common', nmap_version, args.nmap_date or PackageDate('nmap-common'),
              'low', 'indication',
              'nmap tries these probes first on the ports where it expects the service: '
              'a scanner\'s expectation, not a measurement.'),
        lambda inp: ReadProbes(args.nmap_probes, inp))
    Add(Input('unconfirmed-claims', 'ghostport checked-but-unconfirmed claims (catalog/knowledge/unconfirmed.toml)',
              'catalog/knowledge/unconfirmed.toml', 'ghostport', '-', args.alive_date, 'low', 'note',
              'Claims that were checked against the vendor and could not be confirmed: shown as unconfirmed, '
              'never evidence.'),
        lambda inp: ReadUnconfirmed(args.unconfirmed, inp))
    sensitive_sha, sensitive_rows = ReadSensitive(args.sensitive)
    return inputs, rows, sensitive_sha, sensitive_rows


SKIPPED = 77  # CTest's SKIP_RETURN_CODE for catalog_present_use_current


def MovedPackages(inputs, generated):
    """Packages whose installed version is not the one `generated` records."""
    recorded = {}
    try:
        with open(generated, encoding='utf-8') as f:
            for line in f:
                m = re.match(r'//   ([\w-]+): (\S+) (\S+) \(', line)
                if m:
                    recorded[m.group(1)] = (m.group(2), m.group(3))
    except OSError:
        return []
    moved = []
    for inp in inputs:
        want = recorded.get(inp.source_id)
        if want and want[0] != 'ghostport' and want != (inp.package, inp.version):
            moved.append(f'{inp.package} {inp.version} installed, {want[1]} recorded')
    return moved


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--firewalld-dir', help='default: /usr/lib/firewalld/services, or the unpacked '
                        '.deb in .tools/firewalld when the package is not installed (scripts/install-deps)')
    parser.add_argument('--firewalld-version')
    parser.add_argument('--firewalld-date')
    parser.add_argument('--ufw-dir', default='/etc/ufw/applications.d')
    parser.add_argument('--ufw-version')
    parser.add_argument('--ufw-date')
    parser.add_argument('--tshark-decodes')
    parser.add_argument('--tshark-protocols')
    parser.add_argument('--tshark-version')
    parser.add_argument('--tshark-date')
    parser.add_argument('--nmap-probes', default='/usr/share/nmap/nmap-service-probes')
    parser.add_argument('--nmap-version')
    parser.add_argument('--nmap-date')
    parser.add_argument('--alive', default=os.path.join(CATALOG, 'knowledge', 'alive.toml'))
    parser.add_argument('--alive-date', default='2026-12-03',
                        help='the day the curated entries were last checked')
    parser.add_argument('--unconfirmed', default=os.path.join(CATALOG, 'knowledge', 'unconfirmed.toml'))
    parser.add_argument('--sensitive', default=os.path.join(CATALOG, 'knowledge', 'sensitive.toml'))
    parser.add_argument('--out', default=GENERATED)
    parser.add_argument('--check', action='store_true',
                        help='regenerate in memory; exit 1 when the files in --out differ')
    args = parser.parse_args()
    if not args.firewalld_dir:
        args.firewalld_dir = '/usr/lib/firewalld/services' if Installed('firewalld') else \
            Unpacked('firewalld', '/usr/lib/firewalld/services')
    if bool(args.tshark_decodes) != bool(args.tshark_protocols):
        parser.error('--tshark-decodes and --tshark-protocols go together')
    try:
        inputs, rows, sensitive_sha, sensitive_rows = Build(args)
    except (Fail, OSError, subprocess.CalledProcessError) as e:
        print(f'gen_present_use.py: error: {e}', file=sys.stderr)
        return 2
    if args.check:
        moved = MovedPackages(inputs, os.path.join(args.out, 'present_use_data.inc'))
        if moved:
            # Debian updates these packages within a release (security fixes
            # to tshark, say): the files were made from other inputs than the
            # ones here, so they cannot be compared. Not a failure of the
            # generator; regenerate to take the new versions in.
            print('gen_present_use.py: SKIPPED: the installed sources are not the ones the files were made '
                  'from (' + '; '.join(moved) + '); rerun the generator to take them in', file=sys.stderr)
            return SKIPPED
    files = {
        'present_use_data.inc': EmitPresent(inputs, rows),
        'sensitive_data.inc': EmitSensitive(sensitive_sha, sensitive_rows),
        'PRESENT_USE.md': EmitProvenance(inputs, rows, sensitive_rows, sensitive_sha),
    }
    stale = []
    for name, text in files.items():
        path = os.path.join(args.out, name)
        if args.check:
            try:
                with open(path, encoding='utf-8') as f:
                    if f.read() != text:
                        stale.append(name)
            except OSError:
                stale.append(name)
        else:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
    if stale:
        print('gen_present_use.py: stale (rerun the generator): ' + ', '.join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
