// uPlot and its stylesheet in one chunk, imported only when a chart is drawn (the Insight page), so other pages'
// island bundle stays as it was.
import UPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export { UPlot };
