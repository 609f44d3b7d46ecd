(function(root){
if(!root||root.dataset.loupeStarted)return;root.dataset.loupeStarted='1';
var payload=JSON.parse(root.querySelector('script.loupe-figures').textContent);
var status=root.querySelector('.loupe-status');var plots=root.querySelector('.loupe-plots');
// Without charts, the empty room kept for them would push the reason out of sight.
function noCharts(message){status.textContent=message;plots.style.display='none';}
function inflate(carrier){
  var b64=carrier.textContent.trim();
  var bytes=Uint8Array.from(atob(b64),function(c){return c.charCodeAt(0);});
  // A Response over the bytes, not a Blob: Blob streams stall in sandboxed frames.
  var stream=new Response(bytes).body.pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text().then(function(code){
    // Where RequireJS is loaded (the classic notebook), plotly.js would register with it
    // instead of setting window.Plotly: hide it while plotly.js runs.
    var amd=window.define;window.define=undefined;
    try{var s=document.createElement('script');s.textContent=code;document.head.appendChild(s);}
    finally{window.define=amd;}
    if(!window.Plotly)throw new Error('plotly.js did not load');
    return window.Plotly;
  });
}
function plotly(){
  if(window.Plotly)return Promise.resolve(window.Plotly);
  if(window.loupePlotly)return window.loupePlotly;
  // plotly.js travels compressed: a browser that cannot inflate it cannot draw, whoever carries it.
  if(!('DecompressionStream' in window))return Promise.reject(new Error('This browser cannot draw the charts (it lacks DecompressionStream).'));
  var carrier=root.querySelector('script.loupe-plotly');
  if(carrier){window.loupePlotly=inflate(carrier);return window.loupePlotly;}
  // An earlier output of this kernel carries plotly.js and starts loading it as soon as it
  // runs: when it has not within a few seconds, it is not on the page; say so, and still
  // draw if it comes later.
  return new Promise(function(resolve){
    var waited=0;var timer=setInterval(function(){
      if(window.Plotly||window.loupePlotly){clearInterval(timer);resolve(plotly());}
      else if((waited+=200)===__LOUPE_WAIT_MS__){noCharts('__LOUPE_WAIT__');}
    },200);
  });
}
plotly().then(function(Plotly){
  plots.style.display='';
  root.querySelectorAll('.plot').forEach(function(div){
    var fig=payload.figures[div.id];if(!fig)return;
    var layout=Object.assign({},payload.base,fig.layout,{template:payload.template});
    Plotly.newPlot(div,fig.data,layout,{responsive:true,displaylogo:false});
  });
  status.textContent='hover a chart for exact figures, drag to zoom';root.dataset.plotly='ready';
}).catch(function(e){noCharts(e.message);});
})(document.getElementById('__LOUPE_ID__'));
