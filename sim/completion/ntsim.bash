# bash completion for ntsim(1): its commands and options, scenario files
# (*.scn) and the built-in drivers' names, which the ntsim being completed
# lists itself (ntsim --list-drivers), so they never fall behind its table.

_ntsim_files()
{
    # $1: the glob the files must match; folders always, to walk into.
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X "!$1" -- "$cur"))
}

_ntsim()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "run check report debug help version --help --version" -- "$cur"))
        return
    fi
    case ${COMP_WORDS[1]} in
    run)
        case $prev in
        --format) COMPREPLY=($(compgen -W "text jsonl sysmon" -- "$cur")); return ;;
        --trace) COMPREPLY=($(compgen -W "sched syscalls" -- "$cur")); return ;;
        --seed) return ;;
        --audio) _ntsim_files '*.wav'; return ;;
        --timeline) _ntsim_files '*.json'; return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--format --seed --trace --audio --timeline --color --check-first --help" -- "$cur"))
        else
            _ntsim_files '*.scn'
        fi
        ;;
    debug)
        case $prev in
        -c|--seed) return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "-c --seed --help" -- "$cur"))
        else
            _ntsim_files '*.scn'
        fi
        ;;
    report)
        case $prev in
        -o|--output) _ntsim_files '*.html'; return ;;
        --seed) return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "-o --output --seed --help" -- "$cur"))
        else
            _ntsim_files '*.scn'
        fi
        ;;
    check)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help" -- "$cur"))
        else
            _ntsim_files '*.scn'
        fi
        ;;
    help)
        [ "$COMP_CWORD" -eq 2 ] &&
            COMPREPLY=($(compgen -W "drivers $("${COMP_WORDS[0]}" --list-drivers 2>/dev/null)" -- "$cur"))
        ;;
    esac
}
complete -F _ntsim ntsim
