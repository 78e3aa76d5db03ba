/**
 * The app's API client, provided once by main.ts (`app.provide(API, createApi())`) and taken
 * with `useApi()` in components, composables and setup stores (Pinia runs them in the app's
 * injection context): no module-level client.
 */
import { inject, type InjectionKey } from 'vue'
import type { TokenScopeApi } from '../../../common/ipc/contract'

export const API: InjectionKey<TokenScopeApi> = Symbol('TokenScopeApi')

export function useApi(): TokenScopeApi {
  const api = inject(API, null)
  if (!api) throw new Error('useApi() runs inside the app, which provides the API client (renderer/src/main.ts)')
  return api
}
