# `cmake --install build [--prefix /usr]`: the binaries, the docs and examples, the man pages
# and completions (generated at build time from the CLI definitions), the JSON Schemas, and
# the systemd unit of `rollguard serve` with its system user. cmake/package.cmake makes a
# .deb of the same tree.
include(GNUInstallDirs)

set(ROLLGUARD_GENERATED ${CMAKE_BINARY_DIR}/generated)
add_custom_command(OUTPUT ${ROLLGUARD_GENERATED}/stamp
  COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
    ${CMAKE_COMMAND} -DROLLGUARD=$<TARGET_FILE:rollguard> -DOUT=${ROLLGUARD_GENERATED}
    -P ${PROJECT_SOURCE_DIR}/cmake/generate_docs.cmake
  DEPENDS rollguard ${PROJECT_SOURCE_DIR}/cmake/generate_docs.cmake
  COMMENT "Generating man pages, completions and JSON Schemas from rollguard")
add_custom_target(rollguard_generated ALL DEPENDS ${ROLLGUARD_GENERATED}/stamp)

install(TARGETS rollguard rollguard-demo-app RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(DIRECTORY ${ROLLGUARD_GENERATED}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
  FILES_MATCHING PATTERN "*.1.gz")
install(FILES ${ROLLGUARD_GENERATED}/completions/bash/rollguard
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${ROLLGUARD_GENERATED}/completions/zsh/_rollguard
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(DIRECTORY ${ROLLGUARD_GENERATED}/schema/ DESTINATION ${CMAKE_INSTALL_DATADIR}/rollguard/schema)

set(ROLLGUARD_INSTALL_DOCDIR ${CMAKE_INSTALL_DATADIR}/doc/rollguard)
install(FILES README.md DESTINATION ${ROLLGUARD_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${ROLLGUARD_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(DIRECTORY examples/ DESTINATION ${ROLLGUARD_INSTALL_DOCDIR}/examples)
# The demo's version profiles, which examples/demo/canary.yaml names.
install(DIRECTORY tools/demo_profiles/ DESTINATION ${ROLLGUARD_INSTALL_DOCDIR}/examples/demo_profiles)

# The service: its unit (paths of the prefix filled in at install time) and its system user
# (systemd-sysusers; the .deb's postinst runs it). The data directory /var/lib/rollguard is
# the unit's StateDirectory=, made by systemd when the service starts.
install(CODE "set(ROLLGUARD_UNIT_TEMPLATE \"${PROJECT_SOURCE_DIR}/packaging/rollguard.service.in\")")
install(SCRIPT cmake/install_unit.cmake)
install(FILES packaging/rollguard.sysusers DESTINATION lib/sysusers.d RENAME rollguard.conf)
