# bash completion for ghostport(1)                          -*- shell-script -*-
#
# Installed as share/bash-completion/completions/ghostport; to try it from the
# source tree: `source completions/ghostport.bash`. Works with or without the
# bash-completion package (its _filedir is used when present).
#
# Keep the tables below in step with `ghostport --help` and each subcommand's
# --help: tests/packaging/packaging_test runs this function and compares.

# Options per command ("catalog stats" is one command here).
declare -gA _ghostport_options=(
  [ports]="--format --summary --input-format --live --route --profile --help"
  [probe]="--proto --port --sport --from --to --iif --family --batch --format --input-format --live --route --profile --help"
  [audit]="--format --output --baseline --policy --fail-on --input-format --live --route --profile --help"
  [diff]="--format --output --policy --fail-on --input-format --help"
  [drift]="--format --output --policy --fail-on --input-format --live --help"
  [explain]="--policy --format --help"
  [catalog stats]="--format --help"
  [catalog lint]="--knowledge --help"
)

# --format values per command: what `ghostport COMMAND --help` lists.
declare -gA _ghostport_formats=(
  [ports]="text json"
  [probe]="text json"
  [audit]="text json sarif junit markdown html"
  [diff]="text json markdown"
  [drift]="text json markdown"
  [explain]="text json"
  [catalog stats]="text json"
)

# Values of the other options that take a word from a fixed list.
declare -gA _ghostport_values=(
  [--input-format]="iptables nft nft-json netsh powershell-json powershell-csv powershell-list reg wfw registry-pol ipset"
  [--fail-on]="info low medium high critical never"
  [--family]="ipv4 ipv6"
  [--profile]="domain private public"
  [--proto]="tcp udp icmp icmpv6 sctp dccp udplite"
)

# Options that take a file, and whether the command's positionals are files.
_ghostport_file_options=" --batch --policy --baseline --knowledge --output -o "
_ghostport_file_positionals=" ports probe audit diff drift "
# Options whose value is free text: nothing to offer.
_ghostport_free_options=" --port --sport --from --to "

_ghostport_files() {
  if declare -F _filedir >/dev/null; then
    _filedir
  else
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$1")
  fi
}

_ghostport_words() {
  mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

_ghostport() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev_index=$((COMP_CWORD - 1))
  local prev=${COMP_WORDS[prev_index]}
  # `--format=js`: bash splits at '=' (COMP_WORDBREAKS), giving "--format" "=" "js".
  if [[ $cur == "=" ]]; then
    cur=""
    prev=${COMP_WORDS[prev_index]}
  elif [[ $prev == "=" && prev_index -gt 0 ]]; then
    prev=${COMP_WORDS[prev_index - 1]}
  fi
  COMPREPLY=()

  # The command: the first word that is not an option or an option's value;
  # for catalog, the next one too.
  local command="" i word
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      -*) continue ;;
      "=") ((i++)); continue ;;
    esac
    if [[ -z $command ]]; then
      command=$word
      [[ $command == catalog ]] || break
    elif [[ $command == catalog ]]; then
      command="catalog $word"
      break
    fi
  done

  case $command in
    "")
      _ghostport_words "ports probe audit diff drift explain catalog --help --version" "$cur"
      return
      ;;
    catalog)
      _ghostport_words "stats lint --help" "$cur"
      return
      ;;
  esac
  [[ -n ${_ghostport_options[$command]+set} ]] || return

  if [[ $prev == --format ]]; then
    _ghostport_words "${_ghostport_formats[$command]}" "$cur"
    return
  fi
  if [[ -n ${_ghostport_values[$prev]+set} ]]; then
    _ghostport_words "${_ghostport_values[$prev]}" "$cur"
    return
  fi
  if [[ $prev == --iif ]]; then
    local interfaces=""
    [[ -d /sys/class/net ]] && interfaces=$(command ls /sys/class/net 2>/dev/null)
    _ghostport_words "$interfaces" "$cur"
    return
  fi
  if [[ $_ghostport_file_options == *" $prev "* ]]; then
    _ghostport_files "$cur"
    return
  fi
  [[ $_ghostport_free_options == *" $prev "* ]] && return

  if [[ $cur == -* ]]; then
    _ghostport_words "${_ghostport_options[$command]}" "$cur"
    return
  fi
  if [[ $_ghostport_file_positionals == *" $command "* ]]; then
    _ghostport_files "$cur"
  fi
}

complete -F _ghostport ghostport
