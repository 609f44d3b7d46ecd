(function(){
// Tabs: one correlation matrix shown at a time; a chart drawn while hidden is resized when shown.
document.querySelectorAll('.tabs').forEach(group=>{
  const buttons=group.querySelectorAll('button[data-tab]');
  buttons.forEach(button=>button.addEventListener('click',()=>{
    buttons.forEach(b=>b.setAttribute('aria-selected',String(b===button)));
    group.querySelectorAll('.tab').forEach(tab=>{
      const shown=tab.dataset.tab===button.dataset.tab;tab.classList.toggle('off',!shown);
      const plot=tab.querySelector('.plot');
      if(shown&&plot&&plot.dataset.drawn&&typeof Plotly!=='undefined')Plotly.Plots.resize(plot);
    });
  }));
});
})();
