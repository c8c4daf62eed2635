# `cpack --config build/CPackConfig.cmake`: a .deb of the cmake/install.cmake tree under /usr.
# Its Depends come from the shared libraries the binaries link (dpkg-shlibdeps), plus what the
# maintainer scripts call (packaging/postinst: systemd-sysusers, or adduser without systemd).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rollguard)
set(CPACK_PACKAGE_VENDOR rollguard)
set(CPACK_PACKAGE_CONTACT "rollguard maintainers <maintainers@rollguard.dev>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "deployment-safety controller: canary, blue/green, automatic rollback")
set(CPACK_PACKAGE_DESCRIPTION
  "rollguard moves a change into production through a limited deployment (canary, one-box,
linear, all-at-once with bake) or a parallel environment (blue/green), judges its health
against a baseline, and rolls back to the known-good version by itself. It runs from a CD
pipeline (rollguard run, apply --wait), as a service with an HTTP API (rollguard serve, a
systemd unit), or as a simulation on a virtual clock.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://rollguard.dev)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd | adduser")
# The peers rollguard drives, none of them needed to install or validate.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "haproxy, nginx-light, prometheus, postgresql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/postinst
  ${PROJECT_SOURCE_DIR}/packaging/prerm
  ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
