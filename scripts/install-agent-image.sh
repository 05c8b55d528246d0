#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install-agent-image.sh - meson install's step for the agent image
#
# usage: scripts/install-agent-image.sh IMAGE_DIR DEST_SUBDIR
#
# Copies IMAGE_DIR/{vmlinuz,initrd.img} to $MESON_INSTALL_DESTDIR_PREFIX/
# DEST_SUBDIR (share/kdh/agent) when the build made them; without them it
# says so and installs the rest: the installed kdh then skips VM scenarios.
set -euo pipefail
src=$1 dest=${MESON_INSTALL_DESTDIR_PREFIX:?run by meson install}/$2
if [ ! -f "$src/initrd.img" ] || [ ! -f "$src/vmlinuz" ]; then
	echo "install-agent-image: no agent image in $src: not installed (VM scenarios will skip)" >&2
	exit 0
fi
install -d "$dest"
install -m 0644 "$src/vmlinuz" "$src/initrd.img" "$dest/"
echo "Installing agent image to $dest"
