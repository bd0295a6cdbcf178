// The directory screens' routes (under the shell), each naming the roles that may open it
// (router/index.ts refuses the others with /forbidden; the server checks every request again).
import type { RouteRecordRaw } from 'vue-router'
import ImportView from './ImportView.vue'
import InspectorRecord from './InspectorRecord.vue'
import InspectorSearch from './InspectorSearch.vue'
import TargetRecord from './TargetRecord.vue'

const readers = ['registry_clerk', 'planner', 'supervisor']

export const directoryRoutes: RouteRecordRaw[] = [
  { path: 'directory/targets/:code', component: TargetRecord, meta: { roles: readers } },
  { path: 'directory/inspectors', component: InspectorSearch, meta: { roles: readers } },
  { path: 'directory/inspectors/:id', component: InspectorRecord, meta: { roles: readers } },
  { path: 'directory/import', component: ImportView, meta: { roles: ['registry_clerk'] } },
]
