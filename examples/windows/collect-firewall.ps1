<#
.SYNOPSIS
  Collects the Windows Defender Firewall rules, with their port, address,
  program and service filters, and the three profiles' settings, for
  ghostport (--input-format powershell-json or powershell-csv).

.DESCRIPTION
  Writes four files into -OutDir:
    rules.json     one object per rule (ConvertTo-Json -Depth 3; enums as numbers)
    rules.csv      the same rules (Export-Csv; enums as names, lists joined with ',')
    profiles.json  Get-NetFirewallProfile (Domain, Private, Public)
    profiles.csv   the same profiles as CSV
  See README.md beside this script for the fields and their values.

  Without -ActiveStore the local (persistent) store is read: the rules an
  administrator created on this host. With -ActiveStore the effective policy
  is read instead: local rules merged with Group Policy and dynamic rules,
  PolicyStoreSource naming the GPO each rule comes from.

  Runs in Windows PowerShell 5.1 and PowerShell 7; needs no elevation for the
  persistent store (the ActiveStore may need it). Slow on hosts with
  thousands of rules: each rule's filters are one query each.

.EXAMPLE
  .\collect-firewall.ps1 -OutDir C:\Temp\fw
.EXAMPLE
  .\collect-firewall.ps1 -OutDir C:\Temp\fw -ActiveStore
#>
[CmdletBinding()]
param(
    [string] $OutDir = '.',
    [switch] $ActiveStore
)

$ErrorActionPreference = 'Stop'
$store = @{}
if ($ActiveStore) { $store = @{ PolicyStore = 'ActiveStore'; TracePolicyStore = $true } }
$profileStore = @{}
if ($ActiveStore) { $profileStore = @{ PolicyStore = 'ActiveStore' } }
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null

# The rule's own properties, as Get-NetFirewallRule gives them (enums).
$ruleProperties = 'Name', 'DisplayName', 'Description', 'Group', 'DisplayGroup', 'Enabled', 'Direction',
    'Action', 'Profile', 'EdgeTraversalPolicy', 'PolicyStoreSource', 'PolicyStoreSourceType'

# One flat object per rule: the rule's own properties, then its filters'.
# Filter values are arrays (LocalPort can be 80 and 443); @() keeps a single
# value an array too, so the JSON shape does not depend on the count.
$rules = foreach ($rule in Get-NetFirewallRule @store) {
    $row = [ordered]@{}
    foreach ($property in $ruleProperties) { $row[$property] = $rule.$property }
    $ports = $rule | Get-NetFirewallPortFilter
    $addresses = $rule | Get-NetFirewallAddressFilter
    $row.Protocol = $ports.Protocol
    $row.LocalPort = @($ports.LocalPort)
    $row.RemotePort = @($ports.RemotePort)
    $row.IcmpType = @($ports.IcmpType)
    $row.LocalAddress = @($addresses.LocalAddress)
    $row.RemoteAddress = @($addresses.RemoteAddress)
    $row.Program = ($rule | Get-NetFirewallApplicationFilter).Program
    $row.Service = ($rule | Get-NetFirewallServiceFilter).Service
    [pscustomobject]$row
}

# -Depth 3: the filter arrays sit one level below each rule object; the
# default depth (2) would turn them into type names.
$rules | ConvertTo-Json -Depth 3 | Out-File -FilePath (Join-Path $OutDir 'rules.json') -Encoding utf8

# CSV cannot hold an array: join each list with ',' (Export-Csv would
# otherwise write "System.String[]", which ghostport refuses).
$listFields = 'LocalPort', 'RemotePort', 'IcmpType', 'LocalAddress', 'RemoteAddress'
$ruleFields = $ruleProperties + 'Protocol' + $listFields + 'Program' + 'Service'
$columns = foreach ($field in $ruleFields) {
    if ($listFields -contains $field) {
        @{ Name = $field; Expression = [scriptblock]::Create("`$_.$field -join ','") }
    } else {
        $field
    }
}
$rules | Select-Object -Property $columns |
    Export-Csv -Path (Join-Path $OutDir 'rules.csv') -NoTypeInformation -Encoding utf8

# The profiles: whether the firewall is on, the default inbound action, and
# the switches that make rules ineffective (AllowInboundRules False blocks
# every inbound connection; AllowLocalFirewallRules False ignores local rules
# under Group Policy).
$profiles = Get-NetFirewallProfile @profileStore | Select-Object Name, Enabled,
    DefaultInboundAction, DefaultOutboundAction, AllowInboundRules,
    AllowLocalFirewallRules, NotifyOnListen, LogFileName, LogMaxSizeKilobytes,
    LogAllowed, LogBlocked
$profiles | ConvertTo-Json | Out-File -FilePath (Join-Path $OutDir 'profiles.json') -Encoding utf8
$profiles | Export-Csv -Path (Join-Path $OutDir 'profiles.csv') -NoTypeInformation -Encoding utf8

Write-Host ("{0} rules and {1} profiles written to {2}" -f @($rules).Count, @($profiles).Count, (Resolve-Path $OutDir))
