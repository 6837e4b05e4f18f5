// Credentials for writes (SensorThings, provisioning over HTTP later) and the MQTT broker:
// the store (create/list/revoke/check) and the HTTP preHandler. Documented in docs/security.md.
export { CredentialStore, CredentialError, ROLES, roleAllows, type Role, type Principal, type CredentialInfo } from './credentials.js'
export { AUTH_ERRORS, authenticateRequest, checkRole, principalOf, requireRole, roleForMethod, type AuthErrorCode } from './http.js'

import type { Db } from '../store/database.js'
import { CredentialStore, type CredentialInfo, type Role } from './credentials.js'

/** For the CLI (`reeflink credentials …`): create a credential and return its key (shown once). */
export const createCredential = (db: Db, name: string, role: Role): CredentialInfo & { key: string } => new CredentialStore(db).create(name, role)
export const listCredentials = (db: Db): CredentialInfo[] => new CredentialStore(db).list()
export const revokeCredential = (db: Db, name: string): void => new CredentialStore(db).revoke(name)
