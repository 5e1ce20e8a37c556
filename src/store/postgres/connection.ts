/**
 * Connections borrowed from a pool, kept from ending the process: `pg` reports a connection the server drops as an
 * 'error' event, which Node turns into an uncaught exception when nothing listens.
 */
import type pg from 'pg';

const guarded = new WeakSet<pg.Pool | pg.PoolClient>();
const ignore = () => undefined;

/**
 * An idle connection the server drops is reported as an 'error' on its pool, which ends the process when nothing
 * listens: the stores listen (once per pool), since the next query reconnects or says why it cannot.
 */
export function guardPool(pool: pg.Pool): void {
  if (guarded.has(pool)) return;
  guarded.add(pool);
  pool.on('error', ignore);
}

/**
 * A connection from the pool, for a transaction. An error the server sends while it is out but between statements
 * (the server shutting down) is reported as an 'error' on the connection, which ends the process when nothing
 * listens: it is heard here, and the next statement fails with it.
 */
export async function borrow(pool: pg.Pool): Promise<pg.PoolClient> {
  guardPool(pool);
  const client = await pool.connect();
  if (!guarded.has(client)) {
    guarded.add(client);
    client.on('error', ignore);
  }
  return client;
}
