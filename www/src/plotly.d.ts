declare module "plotly.js-strict-dist-min" {
  const Plotly: unknown;
  export default Plotly;
}
