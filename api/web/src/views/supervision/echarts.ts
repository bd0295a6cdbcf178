// ECharts, imported piece by piece (echarts/core + only the charts and components the
// dashboard draws) to keep the bundle small.
import * as echarts from 'echarts/core'
import { BarChart, CustomChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, TitleComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, CustomChart, GridComponent, LegendComponent, TooltipComponent, TitleComponent, CanvasRenderer])

export { echarts }
export type { EChartsCoreOption } from 'echarts/core'
