# Runs at install time (cmake --install, cpack): the systemd unit with the paths of this
# install's prefix, which cpack sets to /usr while cmake --install defaults to /usr/local.
set(ROLLGUARD_BINDIR ${CMAKE_INSTALL_PREFIX}/bin)
set(ROLLGUARD_DOCDIR ${CMAKE_INSTALL_PREFIX}/share/doc/rollguard)
set(unit_dir $ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
configure_file(${ROLLGUARD_UNIT_TEMPLATE} ${unit_dir}/rollguard.service @ONLY)
message(STATUS "Installing: ${unit_dir}/rollguard.service")
