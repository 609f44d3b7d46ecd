(function(){
const payload=JSON.parse(document.getElementById('loupe-data').textContent);
const status=document.getElementById('loading');
async function loadPlotly(){
  if(!('DecompressionStream' in window)){status.textContent='This browser cannot show the charts (it lacks DecompressionStream).';return false;}
  const b64=document.getElementById('plotly-gz').textContent.trim();
  const bytes=Uint8Array.from(atob(b64),c=>c.charCodeAt(0));
  // A Response over the bytes, not a Blob: Blob streams stall in sandboxed frames (srcdoc).
  const stream=new Response(bytes).body.pipeThrough(new DecompressionStream('gzip'));
  const code=await new Response(stream).text();
  const script=document.createElement('script');script.textContent=code;document.head.appendChild(script);
  return typeof Plotly!=='undefined';
}
function draw(div){
  const fig=payload.figures[div.id];if(!fig||div.dataset.drawn)return;div.dataset.drawn='1';
  const layout=Object.assign({},payload.base,fig.layout,{template:payload.template});
  Plotly.newPlot(div,fig.data,layout,{responsive:true,displaylogo:false});
}
loadPlotly().then(ok=>{
  if(!ok)return;status.textContent='hover a chart for exact figures, drag to zoom';
  const plots=document.querySelectorAll('.plot');
  // Printing, or #all in the address, draws every chart at once.
  window.addEventListener('beforeprint',()=>plots.forEach(draw));
  if(location.hash==='#all'||!('IntersectionObserver' in window)){plots.forEach(draw);}
  else if(window.self!==window.top){
    // In a sandboxed frame (a notebook's) an IntersectionObserver may never be told:
    // draw what is within 400 px of the view, now and as the frame scrolls.
    const near=()=>plots.forEach(p=>{const r=p.getBoundingClientRect();if(r.top<innerHeight+400&&r.bottom>-400)draw(p);});
    let queued=false;
    window.addEventListener('scroll',()=>{if(!queued){queued=true;requestAnimationFrame(()=>{queued=false;near();});}},{passive:true});
    window.addEventListener('resize',near);
    document.addEventListener('click',()=>setTimeout(near,0));
    near();
  }
  else{
    const seen=new IntersectionObserver(es=>es.forEach(e=>{if(e.isIntersecting){draw(e.target);seen.unobserve(e.target);}}),{rootMargin:'400px'});
    plots.forEach(p=>seen.observe(p));
  }
  document.body.dataset.plotly='ready';
});
const search=document.getElementById('search');
search.addEventListener('input',()=>{
  const q=search.value.trim().toLowerCase();
  document.querySelectorAll('[data-name]').forEach(el=>el.classList.toggle('hidden',q!==''&&!el.dataset.name.includes(q)));
});
})();
