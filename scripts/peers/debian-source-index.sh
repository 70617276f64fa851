# Sourced by the scripts/peers/install-*.sh that build a test peer from a Debian source package (strongSwan
# plugins, hostapd's hlr_auc_gw). The caller defines say() and fail() and has cd'd into its work folder.
#
# private_source_index: writes ./sources.list with one deb-src line per Debian archive the system installs from (the
# security archive carries the +deb12uN source versions), and sets APT_PRIVATE to apt options that read only that
# index, so the system's apt configuration is never touched. Both deb822 (*.sources) and one-line (*.list) formats.
private_source_index() {
  local codename f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      # deb822: one paragraph per source; emit "deb-src [signed-by=...] URI SUITE COMPONENTS" per URI x suite.
      awk -v cn="$codename" '
        function flush() {
          if (types ~ /(^| )deb( |$)/ && enabled != "no")
            for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) if (s[j] ~ "^" cn)
              printf "deb-src %s%s %s %s\n", (sb != "" ? "[signed-by=" sb "] " : ""), u[i], s[j], comps
          types = ""; enabled = ""; sb = ""; comps = ""; nu = 0; ns = 0
        }
        /^[ \t]*$/ { flush(); next }
        /^#/ { next }
        tolower($1) == "types:" { $1 = ""; types = substr($0, 2) }
        tolower($1) == "enabled:" { enabled = tolower($2) }
        tolower($1) == "uris:" { for (k = 2; k <= NF; k++) u[++nu] = $k }
        tolower($1) == "suites:" { for (k = 2; k <= NF; k++) s[++ns] = $k }
        tolower($1) == "components:" { $1 = ""; comps = substr($0, 2) }
        tolower($1) == "signed-by:" && $2 ~ /^\// { sb = $2 }
        END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      # one-line format: "deb [options] URI SUITE COMPONENTS..." -> the same line as deb-src
      awk -v cn="$codename" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) ~ "^" cn) { $1 = "deb-src"; print } }' "$f"
    done
  } | sort -u >sources.list
  [ -s sources.list ] || fail "no Debian '$codename' archive found in /etc/apt/sources.list{,.d} to fetch sources from"
  mkdir -p lists/partial apt-cache
  APT_PRIVATE=(-o Dir::Etc::SourceList="$PWD/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o Dir::State::Lists="$PWD/lists" -o Dir::Cache="$PWD/apt-cache" -o APT::Sandbox::User=root)
  apt-get "${APT_PRIVATE[@]}" update -qq >&2 || say "some source indexes failed to download (continuing)"
}
