import { PASSWORD_ERROR_CODES } from '../auth/password-rules.ts';

/**
 * Every `code` an API refusal may carry, as one closed list: `DomainError` takes only these
 * (an unlisted code fails the typecheck), and the web app has a message for each in both
 * languages (`error.<code>` in web/i18n.ts, checked at compile time by web/lib/error-message.ts).
 * Pure, without imports from the server, so that the web app can share it. The parameters
 * each code comes with are noted beside it; a translation may use any of them as `{name}`.
 */
export const ERROR_CODES = [
  // Requests refused before a route runs, by the framework or the input guard
  'invalid_input', // {field, rule, limit?, allowed?}: the route's schema refuses a value
  'malformed_json', // the body is not JSON (or is empty) though sent as application/json
  'body_length_mismatch', // the body is shorter or longer than its Content-Length
  'malformed_url', // the path holds a broken percent-encoding
  'path_too_long', // {limit}: a path parameter longer than the router takes
  'unsupported_media_type', // {contentType}
  'body_too_large', // {limit?}: bytes
  'no_route', // {method, path}
  'nul_character', // {field}
  'rate_limited', // too many requests from this address for this route
  'internal_error', // a 5xx: the message says what was being attempted
  'starting', // 503 with Retry-After: the server listens but its database is not open yet

  // Refusals that have no code of their own yet: the name of their status; the English
  // message (passed to translations as {message}) says what
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'refused',

  // Imports: a file refused at upload, a run, an undo
  'import_not_found', // {id}
  'import_format_unknown', // {filename}
  'import_body_not_file', // the upload is not an application/octet-stream body
  'import_too_large', // {limit}: bytes of the upload
  'import_file_empty', // {filename}
  'import_expanded_too_large', // {limit}
  'import_entry_too_large', // {entry, bytes, limit}
  'import_compression_ratio', // {entry, ratio, limit}
  'import_side_file_too_large', // {entry, bytes, limit}
  'import_element_too_large', // {row, limit}
  'import_line_too_long', // {line, limit}
  'import_too_many_entries', // {count, limit}
  'import_nested_archive', // {entry}
  'import_unsupported_crs', // {name, projection, centralMeridian, falseEasting, datum}
  'import_file_unreadable', // {filename}: the reader could not read the file (the message says why)
  'import_empty', // {filename}
  'import_no_columns', // {filename, fields}
  'import_not_startable', // {id, status}: a file runs once
  'import_not_running', // {id, status}
  'import_elsewhere', // {id}: running in another server process
  'import_mapping_invalid', // {message}: a field or column of the mapping
  'import_areas_whole', // areas are imported as a whole (onRejected must be abort)
  'import_crs_unknown', // {crs}
  'import_undo_refused', // {id, status?}: only an applied import, nothing depending on it
  'import_rejections_gone', // {id}: rejected rows are kept 7 days

  // Exports and tiles
  'export_window_reversed', // from after to
  'export_too_many', // {limit}
  'tile_invalid', // {message}: tile coordinates out of range, a filter the layer does not take

  // Signing in, sessions, permissions, scope
  'sign_in_required',
  'sign_in_failed',
  'sign_in_throttled', // {retryAfterS}
  'account_locked', // {until, maxFailures}
  'api_key_invalid',
  'csrf_token_invalid', // {header}
  'permission_denied', // {permission, role}
  'out_of_scope', // {what}
  ...PASSWORD_ERROR_CODES, // password_too_short {min}, password_too_long {max}, password_common, password_reused
  'password_current_wrong',
  'api_key_has_no_password',

  // Users and API keys
  'user_not_found', // {id}
  'api_key_not_found', // {id}
  'username_taken', // {username}
  'area_unknown', // {field, code}
  'own_account_change',
  'user_beyond_scope', // {id, areas}

  // Areas, layers, features, the map
  'area_not_found', // {code}
  'layer_not_found', // {layer, layers}
  'feature_not_found', // {id, layer?}
  'feature_id_invalid', // {id}
  'filter_unknown', // {layer, filter, accepted}
  'bbox_invalid', // {problem}
  'search_query_blank',
  'risk_source_not_found', // {id}
  'site_not_found', // {id}
  'basemap_style_missing',
  'basemap_layer_not_found', // {name, layers}
  'time_range_reversed', // {from, to}
  'time_range_too_long', // {maxDays}
  'value_out_of_range', // {field, value, min, max}

  // Grids (the grid editor); refusals of an outline also list `problems`, each with a code of
  // GRID_PROBLEM_CODES (api/lib/grid-geometry.ts) and its params
  'grid_not_found', // {id}
  'grid_version_stale', // {code, current, yours}
  'grid_rejected', // {count}; the body lists `problems`, each with its own code and params
  'grid_parent_not_village', // {parent}
  'grid_village_unknown', // {village}
  'grid_codes_exhausted', // {village}
  'grid_worker_unknown', // {id}
  'grid_worker_role', // {username, role}
  'grid_worker_elsewhere', // {username}
  'grid_merge_too_few',
  'grid_merge_villages', // {code, other}
  'grid_merge_not_neighbours', // {codes, parts}; problems
  'grid_split_line_misses', // {code}; problems
  'grid_split_line_invalid', // problems

  // Incidents
  'incident_not_found', // {id}
  'photo_not_found', // {id, seq}
  'category_unknown', // {category}
  'site_unknown', // {siteId}
  'coordinates_swapped', // {lon, lat}
  'position_outside_city', // {lon, lat}
  'client_key_used', // {field}
  'transition_not_allowed', // {id, status, action, allowed}
  'extension_hours_missing',
  'extension_pending', // {id}
  'extension_not_pending', // {id}
  'merge_target_missing',
  'merge_into_self',
  'merge_target_unknown', // {into}
  'merge_target_merged', // {into}
  'unit_move_reason_missing', // {action}
  'unit_no_coordinator', // {id}
  'unit_missing', // {action}
  'unit_unknown', // {unitId}
  'unit_same', // {id, unit}
  'task_not_found', // {id}
  'task_text_missing',
  'task_incident_closed', // {id, status}
  'task_unit_is_lead', // {unit}
  'task_open_already', // {id, unit}
  'task_reason_missing', // {action}
  'task_step_not_allowed', // {id, status, action}
  'supervision_not_found', // {id}
  'supervision_note_missing',
  'supervision_answer_missing',
  'supervision_incident_closed', // {id, status}
  'supervision_open_already', // {id}
  'supervision_answered', // {id}
  'tasks_open', // {id, units, count}: resolving while assisting units' tasks are open
  'tracking_code_unknown',
  'rating_too_early', // {id, status}
  'rating_given', // {id}
  'dispatch_needs_team', // {use}
  'photos_too_many', // {max, count}
  'photo_not_base64', // {field}
  'photo_empty', // {field}
  'photo_too_large', // {field, bytes, max}
  'photo_not_image', // {field}
  'photo_type_mismatch', // {field, declared, actual}

  // Teams and dispatch
  'team_not_found', // {id}
  'dispatch_not_found', // {id}
  'team_unknown', // {teamId}
  'team_dispatched', // {teamId, team, incidentId, by, at}
  'team_off_duty', // {teamId, team}
  'team_unavailable', // {teamId, team, status}
  'team_on_dispatch', // {teamId, status}
  'team_already_assigned', // {teamId}
  'dispatch_closed', // {id, status, step}
  'road_network_empty',
  'plan_conflict', // {count}; the body lists `conflicts`, each with its own code and params
  'plan_team_twice', // {teamId}
  'plan_incident_twice', // {incidentId}
  'fix_in_future', // {at}
  'position_outside_service_area', // {lon, lat, marginM}

  // OGC API – Features
  'collection_not_found', // {id}
  'invalid_query_parameter', // {parameter}
  'unknown_query_parameter', // {parameter}

  // Open311 (answered in GeoReport v2's own error format; listed so that its codes stay stable)
  'unknown_jurisdiction', // {jurisdiction_id}
  'position_incomplete',
  'position_needed', // {address?}
  'address_ambiguous', // {address}
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes of things that do not exist (or exist outside the caller's area, which answers alike). */
export type NotFoundCode = Extract<ErrorCode, `${string}_not_found`>;
/** What a `NotFoundCode` names: `incident`, `team`, `api_key` … */
export type NotFoundKind = NotFoundCode extends `${infer K}_not_found` ? K : never;

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether a text (a code read from an answer) is one of ERROR_CODES. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}
