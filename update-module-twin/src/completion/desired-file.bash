
# Appended to picocli's script at package time (see update-module-twin/pom.xml). --desired takes JSON or @FILE (as
# az's --desired @file.json), and picocli's script completes a whole word as a file name but not one after an @:
# this function completes "@" and a file name there, and leaves every other word to picocli's function. It keeps to
# syntax that zsh's bashcompinit also runs, as picocli's script does.
function _complete_update-module-twin_desired_file() {
  # $2 is the word being completed, "@pat", in bash and in zsh; bash's COMP_WORDS split it at the @
  # (COMP_WORDBREAKS) into "@" "pat", so the word before it is the one before the "@".
  local prev_word=${COMP_WORDS[COMP_CWORD-1]}
  [ "$prev_word" = @ ] && prev_word=${COMP_WORDS[COMP_CWORD-2]}
  if [[ $prev_word != --desired || $2 != @* ]]; then
    _complete_update-module-twin "$@"
    return $?
  fi
  local IFS=$'\n'
  local name
  COMPREPLY=()
  for name in $(compgen -f -- "${2#@}"); do
    # A directory gets its slash and, in bash, no space after it, so that a file in it can be typed next.
    if [ -d "$name" ]; then
      name=$name/
      [ -n "$BASH_VERSION" ] && compopt -o nospace
    fi
    # Quoted, so that a name with a space stays one word.
    COMPREPLY+=("@$(printf '%q' "$name")")
  done
  return 0
}

complete -F _complete_update-module-twin_desired_file -o default update-module-twin update-module-twin.sh update-module-twin.bash
