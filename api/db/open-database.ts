import type { Database } from './database.ts';
import { openEmbeddedDatabase } from './embedded-database.ts';
import { openPostgresDatabase } from './postgres-database.ts';

export interface DatabaseConfig {
  /** A PostgreSQL URL selects the server backend; otherwise the embedded engine is used. */
  databaseUrl?: string;
  /** Data directory of the embedded engine. */
  dataDir: string;
}

/** Opens the backend the configuration selects. */
export function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.databaseUrl ? openPostgresDatabase(config.databaseUrl) : openEmbeddedDatabase(config.dataDir);
}
