package dev.confide.cas;

/** The CAS's rules on its default storage, an embedded H2 file. */
class CasRulesH2Test extends CasRulesContract {
  @Override
  String jdbcUrl() {
    return null;
  }
}
