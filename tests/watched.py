"""Two versions of a scenario file, one entry then two, for the tests of `--watch`."""

ONE_ENTRY = """\
projects:
  - keys: [{key: demo-admin}]
    auditLog:
      - {action: entity.created, userId: usr_ada, entityId: ent_1, timestamp: 1735600000000}
"""
TWO_ENTRIES = ONE_ENTRY + "      - {action: integration.synced, timestamp: 1735600060000}\n"
