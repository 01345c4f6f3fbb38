# shellcheck shell=bash
# The data partition's first contents: the app as release a in the layout its own update agent uses
# (appliance/ota/release-slots.ts: releases/a, current, committed), an empty state folder for the app, and
# RAUC's status folder. On the device these are /opt/outpost, /var/lib/outpost and /data/rauc (fstab).

# data_tree DIR APP ROOTFS
data_tree() {
  local dir="$1" app="$2" rootfs="$3" owner
  mkdir -p "$dir/app/releases" "$dir/outpost" "$dir/rauc"
  cp -a "$app" "$dir/app/releases/a"
  chown -R 0:0 "$dir/app"
  ln -sfn releases/a "$dir/app/current"
  ln -sfn releases/a "$dir/app/committed"
  owner=$(chroot "$rootfs" id -u outpost):$(chroot "$rootfs" id -g outpost)
  chown "$owner" "$dir/outpost"
  chmod 0750 "$dir/outpost"
}
