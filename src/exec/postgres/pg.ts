// pg, for every module that uses it at run time: loaded right after
// before-pg.ts, which must run first (see there). Types may come from 'pg' directly.
import './before-pg.js';
import pg from 'pg';

export default pg;
