"""`newsarchive sites`: the site profiles and the files they come from."""

from __future__ import annotations

from crawler.commands.base import Command, profiles_option


def run_sites(args) -> int:
    from crawler.profile import load_profiles

    for _, profile in sorted(load_profiles(args.profiles).items()):
        print(f"{profile.name}\t{', '.join(profile.domains)}\t{profile.path}")
    return 0


COMMANDS = [
    Command(
        "sites",
        help="list the site profiles",
        description="List the site profiles and their files.",
        options=profiles_option,
        run=run_sites,
    )
]
