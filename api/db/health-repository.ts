import type { Queryable } from './database.ts';

export interface DatabaseInfoRow {
  postgis: string;
  postgres: string;
  migration: string | null;
  dataset_name: string | null;
  dataset_scale: string | null;
  dataset_loaded_at: Date | null;
}

/** Versions, migration level and loaded dataset, in one round trip. */
export async function getDatabaseInfo(db: Queryable): Promise<DatabaseInfoRow> {
  const r = await db.query<DatabaseInfoRow>(
    `SELECT postgis_lib_version() AS postgis,
            current_setting('server_version') AS postgres,
            (SELECT max(name) FROM schema_migrations) AS migration,
            d.name AS dataset_name, d.scale AS dataset_scale, d.loaded_at AS dataset_loaded_at
     FROM (SELECT 1) one
     LEFT JOIN LATERAL (SELECT name, scale, loaded_at FROM dataset_loads ORDER BY loaded_at LIMIT 1) d ON true`,
  );
  const row = r.rows[0];
  if (!row) throw new Error('database info query returned no row');
  return row;
}
